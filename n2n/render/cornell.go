package render

import (
	"math"
	"math/rand/v2"
)

// The Cornell box of this package follows radiosity/cornell.pov of the
// POV-Ray examples (Debian package povray-examples,
// /usr/share/doc/povray/examples/radiosity/cornell.pov, Kari Kivisalo 2001,
// CC BY 3.0), itself the measured Cornell box of
// http://www.graphics.cornell.edu/online/box/ with its millimetres divided
// by 10: one scene unit is 10 mm, the box about 55.6 x 54.9 x 55.9 units.
//
// Taken from cornell.pov: every vertex of the walls and of the two blocks,
// the light patch (x in [21.3, 34.3], z in [22.7, 33.2], just under the
// ceiling at y = 54.87), the camera (location <27.8, 27.3, -80>, horizontal
// angle 39.5 degrees, looking along +z) and the surface colours: diffuse 0.75
// times the pigments white <1,1,1>, red <0.57,0.025,0.025> and green
// <0.025,0.236,0.025>, and the light colour <1, 0.67, 0.21>.
//
// Not in cornell.pov: the light's radiance. POV-Ray lights the scene with
// point-light arrays; here the patch itself emits Le = CornellLightRadiance *
// <1, 0.67, 0.21>, chosen so that the lit floor and back wall have radiance
// of order 1 (tone mapped mid-grey).
//
// POV-Ray is left-handed with `right <-1,0,0>`: the image's right points to
// -x. In this package's right-handed camera (columns along forward x up)
// the same happens, so the red wall (x ~ 55.5) is on the left and the green
// wall (x = 0) on the right, as in the photographs of the real box.

// Albedos and light of the Cornell box (see the comment above).
var (
	CornellWhite = RGB{0.75, 0.75, 0.75}
	CornellRed   = RGB{0.75 * 0.57, 0.75 * 0.025, 0.75 * 0.025}
	CornellGreen = RGB{0.75 * 0.025, 0.75 * 0.236, 0.75 * 0.025}
	// CornellLightColor is the light's colour in cornell.pov.
	CornellLightColor = RGB{1, 0.67, 0.21}
)

// CornellLightRadiance scales CornellLightColor to the emitted radiance Le of
// the light patch.
const CornellLightRadiance = 40

// Canonical light patch and camera of cornell.pov.
const (
	cornellLightX0, cornellLightX1 = 21.3, 34.3
	cornellLightZ0, cornellLightZ1 = 22.7, 33.2
	cornellLightY                  = 54.87
	cornellFOV                     = 39.5
)

var (
	cornellShortBlock = block{ // corners of the top face, y = 16.5
		corners: [4]Vec3{{13.0, 0, 6.5}, {8.2, 0, 22.5}, {24.0, 0, 27.2}, {29.0, 0, 11.4}}, height: 16.5}
	cornellTallBlock = block{ // y = 33
		corners: [4]Vec3{{42.3, 0, 24.7}, {26.5, 0, 29.6}, {31.4, 0, 45.6}, {47.2, 0, 40.6}}, height: 33}
)

// block is a vertical prism over a quadrilateral footprint (corners at y = 0
// in order around the footprint).
type block struct {
	corners [4]Vec3
	height  float64
}

// triangles returns the 10 triangles of the block (top and four sides; the
// bottom rests on the floor and is never seen).
func (b block) triangles(m Material) []Triangle {
	up := Vec3{0, b.height, 0}
	var ts []Triangle
	c := b.corners
	ts = append(ts, Triangle{c[0].Add(up), c[1].Add(up), c[2].Add(up), m},
		Triangle{c[0].Add(up), c[2].Add(up), c[3].Add(up), m})
	for i := range 4 {
		p, q := c[i], c[(i+1)%4]
		ts = append(ts, Triangle{p, q, q.Add(up), m}, Triangle{p, q.Add(up), p.Add(up), m})
	}
	return ts
}

func (b block) centroid() Vec3 {
	var s Vec3
	for _, c := range b.corners {
		s = s.Add(c)
	}
	return s.Scale(0.25)
}

// radius is the largest distance of a corner from the footprint's centroid.
func (b block) radius() float64 {
	r := 0.0
	for _, c := range b.corners {
		r = max(r, c.Sub(b.centroid()).Len())
	}
	return r
}

// moved rotates the footprint by angle (radians) about its centroid's
// vertical axis and translates it by (dx, 0, dz).
func (b block) moved(angle, dx, dz float64) block {
	ctr := b.centroid()
	s, co := math.Sincos(angle)
	out := b
	for i, p := range b.corners {
		v := p.Sub(ctr)
		out.corners[i] = Vec3{ctr.X + co*v.X - s*v.Z + dx, 0, ctr.Z + s*v.X + co*v.Z + dz}
	}
	return out
}

// cornellWalls returns floor, ceiling, back wall (white), the left wall at
// x ~ 55.5 (red) and the right wall at x = 0 (green), as in cornell.pov.
func cornellWalls() []Triangle {
	w := Material{Albedo: CornellWhite}
	r := Material{Albedo: CornellRed}
	g := Material{Albedo: CornellGreen}
	return []Triangle{
		// Floor
		{V(55.28, 0, 0), V(0, 0, 0), V(0, 0, 55.92), w},
		{V(55.28, 0, 0), V(0, 0, 55.92), V(54.96, 0, 55.92), w},
		// Ceiling
		{V(55.60, 54.88, 0), V(55.60, 54.88, 55.92), V(0, 54.88, 55.92), w},
		{V(55.60, 54.88, 0), V(0, 54.88, 55.92), V(0, 54.88, 0), w},
		// Back wall
		{V(0, 54.88, 55.92), V(55.60, 54.88, 55.92), V(54.96, 0, 55.92), w},
		{V(0, 54.88, 55.92), V(54.96, 0, 55.92), V(0, 0, 55.92), w},
		// Green wall (x = 0; "Right wall" in cornell.pov's left-handed frame)
		{V(0, 54.88, 0), V(0, 54.88, 55.92), V(0, 0, 55.92), g},
		{V(0, 54.88, 0), V(0, 0, 55.92), V(0, 0, 0), g},
		// Red wall (x ~ 55.5)
		{V(55.28, 0, 0), V(54.96, 0, 55.92), V(55.60, 54.88, 55.92), r},
		{V(55.28, 0, 0), V(55.60, 54.88, 55.92), V(55.60, 54.88, 0), r},
	}
}

// lightPatch returns the two triangles of a rectangular light x in [x0, x1],
// z in [z0, z1] at height y, emitting downward with radiance le.
func lightPatch(x0, x1, z0, z1, y float64, le RGB) []Triangle {
	m := Material{Emission: le}
	// Front normal (B-A)x(C-A) must point to -y.
	a, b, c, d := V(x0, y, z0), V(x1, y, z0), V(x1, y, z1), V(x0, y, z1)
	return []Triangle{{a, b, c, m}, {a, c, d, m}}
}

// CornellBox returns the Cornell box of cornell.pov: white floor, ceiling and
// back wall, red left and green right wall, two white blocks, a rectangular
// area light under the ceiling, and the camera in front of the open side.
// The light emits Le = CornellLightRadiance * CornellLightColor.
func CornellBox() *Scene {
	le := CornellLightColor.Scale(CornellLightRadiance)
	w := Material{Albedo: CornellWhite}
	s := &Scene{
		Camera: Camera{Position: V(27.8, 27.3, -80), LookAt: V(27.8, 27.3, 0), Up: V(0, 1, 0), FOV: cornellFOV},
	}
	s.Triangles = append(s.Triangles, cornellWalls()...)
	s.Triangles = append(s.Triangles, lightPatch(cornellLightX0, cornellLightX1, cornellLightZ0, cornellLightZ1, cornellLightY, le)...)
	s.Triangles = append(s.Triangles, cornellShortBlock.triangles(w)...)
	s.Triangles = append(s.Triangles, cornellTallBlock.triangles(w)...)
	return s
}

// Variation returns a random variation of [CornellBox], a deterministic
// function of seed, so that a training set can hold many different views:
//
//   - camera: position moved by up to +-5 units in x and y and z in
//     [-90, -65]; look-at point (27.8, 27.3, 27.95) moved by up to +-4 units
//     per axis; horizontal field of view 39.5 +- 3 degrees;
//   - light: each side scaled by a factor in [0.6, 1.5] and the centre moved
//     by up to +-8 units in x and z (kept 2 units inside the ceiling); its
//     radiance is divided by the area ratio so its power (and the image's
//     exposure) stays that of the canonical box;
//   - objects: each block turned about its vertical axis by up to +-30
//     degrees and moved by up to +-6 units on the floor, kept 1 unit inside
//     the walls and clear of the other object (bounding circles); with
//     probability 1/4 each block is replaced by a white sphere of radius in
//     [7, 11] resting on the floor at the block's place.
//
// The walls, colours and light colour are those of the canonical box.
func Variation(seed uint64) *Scene {
	rng := rand.New(rand.NewPCG(seed, 0x436f726e656c6c)) // "Cornell"
	uni := func(a, b float64) float64 { return a + (b-a)*rng.Float64() }

	s := &Scene{}
	s.Camera = Camera{
		Position: V(27.8+uni(-5, 5), 27.3+uni(-5, 5), uni(-90, -65)),
		LookAt:   V(27.8+uni(-4, 4), 27.3+uni(-4, 4), 27.95+uni(-4, 4)),
		Up:       V(0, 1, 0),
		FOV:      cornellFOV + uni(-3, 3),
	}
	s.Triangles = cornellWalls()

	// Light: scaled sides, moved centre, constant power.
	w0, d0 := cornellLightX1-cornellLightX0, cornellLightZ1-cornellLightZ0
	w, d := w0*uni(0.6, 1.5), d0*uni(0.6, 1.5)
	cx := (cornellLightX0+cornellLightX1)/2 + uni(-8, 8)
	cz := (cornellLightZ0+cornellLightZ1)/2 + uni(-8, 8)
	cx = math.Max(2+w/2, math.Min(53.5-w/2, cx))
	cz = math.Max(2+d/2, math.Min(53.9-d/2, cz))
	le := CornellLightColor.Scale(CornellLightRadiance * (w0 * d0) / (w * d))
	s.Triangles = append(s.Triangles, lightPatch(cx-w/2, cx+w/2, cz-d/2, cz+d/2, cornellLightY, le)...)

	// Objects.
	white := Material{Albedo: CornellWhite}
	base := []block{cornellShortBlock, cornellTallBlock}
	var placed []object
	for i := range base {
		obj := object{b: base[i]}
		if rng.IntN(4) == 0 {
			obj.sphere, obj.radius = true, uni(7, 11)
		}
		ok := false
		for range 100 {
			cand := obj
			cand.b = base[i].moved(uni(-1, 1)*math.Pi/6, uni(-6, 6), uni(-6, 6))
			if fits(cand, placed) {
				obj, ok = cand, true
				break
			}
		}
		if !ok {
			// Fall back to the canonical block, as in cornell.pov.
			obj = object{b: base[i]}
		}
		placed = append(placed, obj)
	}
	for _, o := range placed {
		if o.sphere {
			c := o.b.centroid()
			s.Spheres = append(s.Spheres, Sphere{Center: V(c.X, o.radius, c.Z), Radius: o.radius, Material: white})
		} else {
			s.Triangles = append(s.Triangles, o.b.triangles(white)...)
		}
	}
	return s
}

// object is a block, or a sphere of the given radius resting on the floor
// at the block's footprint centroid.
type object struct {
	b      block
	sphere bool
	radius float64
}

// footprint returns the centre (y = 0) and radius of the object's bounding
// circle on the floor.
func (o object) footprint() (Vec3, float64) {
	if o.sphere {
		return o.b.centroid(), o.radius
	}
	return o.b.centroid(), o.b.radius()
}

// fits reports whether the object lies 1 unit inside the walls (x in
// [1, 54], z in [1, 54.9]) and its bounding circle clears (by 1 unit) those
// of the objects already placed.
func fits(o object, placed []object) bool {
	c, r := o.footprint()
	if c.X-r < 1 || c.X+r > 54 || c.Z-r < 1 || c.Z+r > 54.9 {
		return false
	}
	for _, p := range placed {
		pc, pr := p.footprint()
		if c.Sub(pc).Len() < r+pr+1 {
			return false
		}
	}
	return true
}
