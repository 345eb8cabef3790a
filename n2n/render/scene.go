package render

import (
	"fmt"
	"math"
)

// Material is a Lambertian (ideal diffuse) surface that may also emit light.
//
// Reflection uses the BRDF f_r = Albedo / pi on both sides of a surface.
// Emission is one-sided: a surface emits the constant radiance Emission
// (Le) only towards the side its front normal points to (see [Triangle] and
// [Sphere]), as the area light of the Cornell box shines down only.
type Material struct {
	// Albedo is the diffuse reflectance rho per channel, each in [0, 1].
	Albedo RGB
	// Emission is the emitted radiance Le per channel, >= 0.
	Emission RGB
}

// Triangle is a flat triangle with vertices A, B, C. Its front normal is
// (B - A) x (C - A) normalised (counter-clockwise vertices seen from the
// front); only the front emits.
type Triangle struct {
	A, B, C  Vec3
	Material Material
}

// Normal returns the unit front normal of t.
func (t Triangle) Normal() Vec3 { return t.B.Sub(t.A).Cross(t.C.Sub(t.A)).Norm() }

// Area returns the area of t.
func (t Triangle) Area() float64 { return 0.5 * t.B.Sub(t.A).Cross(t.C.Sub(t.A)).Len() }

// Sphere is a sphere. Its front normal points outward, or inward when Inward
// is set (an emitting enclosure seen from inside).
type Sphere struct {
	Center   Vec3
	Radius   float64
	Inward   bool
	Material Material
}

// Camera is a pinhole camera at Position looking at LookAt, with Up giving
// the vertical direction of the image (it need not be orthogonal to the view
// direction). FOV is the horizontal field of view in degrees, as POV-Ray's
// `angle`; the vertical one follows from the image's aspect ratio. Image
// columns run along forward x up, rows from the top down.
type Camera struct {
	Position, LookAt, Up Vec3
	FOV                  float64
}

// Scene is what [Render] draws: a camera, triangles and spheres. Rays that
// leave the scene see black (radiance 0).
type Scene struct {
	Camera    Camera
	Triangles []Triangle
	Spheres   []Sphere
}

// Validate returns an error for a degenerate camera, a NaN/Inf coordinate, a
// degenerate triangle, a non-positive sphere radius, an albedo outside
// [0, 1] or a negative emission.
func (s *Scene) Validate() error {
	if s == nil {
		return fmt.Errorf("render: nil scene")
	}
	c := s.Camera
	if !c.Position.finite() || !c.LookAt.finite() || !c.Up.finite() {
		return fmt.Errorf("render: camera has a NaN or Inf coordinate")
	}
	fwd := c.LookAt.Sub(c.Position)
	if fwd.Len() == 0 {
		return fmt.Errorf("render: camera Position equals LookAt")
	}
	if fwd.Norm().Cross(c.Up.Norm()).Len() < 1e-9 {
		return fmt.Errorf("render: camera Up %v is parallel to the view direction", c.Up)
	}
	if !(c.FOV > 0 && c.FOV < 180) {
		return fmt.Errorf("render: camera FOV = %v degrees, want in (0, 180)", c.FOV)
	}
	for i, t := range s.Triangles {
		if !t.A.finite() || !t.B.finite() || !t.C.finite() {
			return fmt.Errorf("render: triangle %d has a NaN or Inf vertex", i)
		}
		if t.Area() == 0 {
			return fmt.Errorf("render: triangle %d is degenerate (zero area)", i)
		}
		if err := t.Material.validate(); err != nil {
			return fmt.Errorf("render: triangle %d: %w", i, err)
		}
	}
	for i, sp := range s.Spheres {
		if !sp.Center.finite() || !(sp.Radius > 0) || math.IsInf(sp.Radius, 0) {
			return fmt.Errorf("render: sphere %d: center %v radius %v invalid", i, sp.Center, sp.Radius)
		}
		if err := sp.Material.validate(); err != nil {
			return fmt.Errorf("render: sphere %d: %w", i, err)
		}
	}
	return nil
}

func (m Material) validate() error {
	for c := range 3 {
		if !(m.Albedo[c] >= 0 && m.Albedo[c] <= 1) {
			return fmt.Errorf("albedo %v outside [0, 1]", m.Albedo)
		}
		if !(m.Emission[c] >= 0) || math.IsInf(m.Emission[c], 0) {
			return fmt.Errorf("emission %v must be finite and >= 0", m.Emission)
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// Compiled scene: precomputed data for intersection and light sampling.

// prim is one primitive (triangle or sphere) ready for intersection.
type prim struct {
	sphere bool
	// triangle
	a, e1, e2, n Vec3 // vertex A, edges B-A and C-A, unit front normal
	// sphere
	c      Vec3
	r, r2  float64
	inward bool

	mat  Material
	area float64
}

// hit describes the nearest intersection along a ray.
type hit struct {
	t    float64
	p    Vec3 // position
	nf   Vec3 // unit front normal at p
	prim *prim
}

type compiled struct {
	prims []prim
	// lights: indices of emitting primitives and the cumulative distribution
	// of their areas (a light is chosen with probability area / lightArea).
	lights    []int
	lightCDF  []float64
	lightArea float64
	eps       float64 // ray offset, relative to the scene's size
	cam       camFrame
}

type camFrame struct {
	pos, fwd, right, up Vec3
	tanX                float64
}

func compile(s *Scene) *compiled {
	c := &compiled{}
	lo := Vec3{math.Inf(1), math.Inf(1), math.Inf(1)}
	hi := lo.Scale(-1)
	grow := func(p Vec3) {
		lo = Vec3{min(lo.X, p.X), min(lo.Y, p.Y), min(lo.Z, p.Z)}
		hi = Vec3{max(hi.X, p.X), max(hi.Y, p.Y), max(hi.Z, p.Z)}
	}
	for _, t := range s.Triangles {
		e1, e2 := t.B.Sub(t.A), t.C.Sub(t.A)
		c.prims = append(c.prims, prim{a: t.A, e1: e1, e2: e2, n: e1.Cross(e2).Norm(), mat: t.Material, area: t.Area()})
		grow(t.A)
		grow(t.B)
		grow(t.C)
	}
	for _, sp := range s.Spheres {
		c.prims = append(c.prims, prim{sphere: true, c: sp.Center, r: sp.Radius, r2: sp.Radius * sp.Radius,
			inward: sp.Inward, mat: sp.Material, area: 4 * math.Pi * sp.Radius * sp.Radius})
		rv := Vec3{sp.Radius, sp.Radius, sp.Radius}
		grow(sp.Center.Sub(rv))
		grow(sp.Center.Add(rv))
	}
	for i := range c.prims {
		if !c.prims[i].mat.Emission.IsZero() {
			c.lightArea += c.prims[i].area
			c.lights = append(c.lights, i)
			c.lightCDF = append(c.lightCDF, c.lightArea)
		}
	}
	size := hi.Sub(lo).Len()
	grow(s.Camera.Position)
	size = max(size, hi.Sub(lo).Len(), 1e-300)
	c.eps = 1e-7 * size

	cam := s.Camera
	fwd := cam.LookAt.Sub(cam.Position).Norm()
	right := fwd.Cross(cam.Up).Norm()
	c.cam = camFrame{pos: cam.Position, fwd: fwd, right: right, up: right.Cross(fwd),
		tanX: math.Tan(cam.FOV * math.Pi / 360)}
	return c
}

// intersect finds the nearest primitive hit along o + t d with
// tMin < t < tMax; d must be a unit vector.
func (c *compiled) intersect(o, d Vec3, tMin, tMax float64) (h hit, ok bool) {
	best := tMax
	var bp *prim
	for i := range c.prims {
		p := &c.prims[i]
		var t float64
		if p.sphere {
			t = p.hitSphere(o, d, tMin, best)
		} else {
			t = p.hitTriangle(o, d, tMin, best)
		}
		if t > 0 {
			best, bp = t, p
		}
	}
	if bp == nil {
		return h, false
	}
	h.t, h.prim = best, bp
	h.p = o.Add(d.Scale(best))
	if bp.sphere {
		h.nf = h.p.Sub(bp.c).Scale(1 / bp.r)
		if bp.inward {
			h.nf = h.nf.Scale(-1)
		}
	} else {
		h.nf = bp.n
	}
	return h, true
}

// occluded reports whether anything lies along o + t d for tMin < t < tMax.
func (c *compiled) occluded(o, d Vec3, tMin, tMax float64) bool {
	for i := range c.prims {
		p := &c.prims[i]
		var t float64
		if p.sphere {
			t = p.hitSphere(o, d, tMin, tMax)
		} else {
			t = p.hitTriangle(o, d, tMin, tMax)
		}
		if t > 0 {
			return true
		}
	}
	return false
}

// hitTriangle is the Moller-Trumbore test; it returns t in (tMin, tMax) or 0.
func (p *prim) hitTriangle(o, d Vec3, tMin, tMax float64) float64 {
	pv := d.Cross(p.e2)
	det := p.e1.Dot(pv)
	if det == 0 {
		return 0
	}
	inv := 1 / det
	tv := o.Sub(p.a)
	u := tv.Dot(pv) * inv
	if u < 0 || u > 1 {
		return 0
	}
	qv := tv.Cross(p.e1)
	v := d.Dot(qv) * inv
	if v < 0 || u+v > 1 {
		return 0
	}
	t := p.e2.Dot(qv) * inv
	if t <= tMin || t >= tMax {
		return 0
	}
	return t
}

// hitSphere returns the nearest root t in (tMin, tMax) of |o + t d - c| = r, or 0.
func (p *prim) hitSphere(o, d Vec3, tMin, tMax float64) float64 {
	oc := o.Sub(p.c)
	b := oc.Dot(d)
	cc := oc.Dot(oc) - p.r2
	disc := b*b - cc
	if disc < 0 {
		return 0
	}
	sq := math.Sqrt(disc)
	if b == 0 && sq == 0 {
		return 0
	}
	// Numerically stable roots: q = -b -/+ sq, t1 = q, t2 = cc / q.
	var t1, t2 float64
	if b > 0 {
		t1 = -b - sq
		t2 = cc / t1
	} else {
		t2 = -b + sq
		t1 = cc / t2
	}
	if t1 > t2 {
		t1, t2 = t2, t1
	}
	if t1 > tMin && t1 < tMax {
		return t1
	}
	if t2 > tMin && t2 < tMax {
		return t2
	}
	return 0
}

// samplePoint draws a point uniformly (by area) on the primitive and returns
// it with the unit front normal there.
func (p *prim) samplePoint(u1, u2 float64) (x, n Vec3) {
	if p.sphere {
		z := 1 - 2*u1
		r := math.Sqrt(max(0, 1-z*z))
		phi := 2 * math.Pi * u2
		dir := Vec3{r * math.Cos(phi), r * math.Sin(phi), z}
		x = p.c.Add(dir.Scale(p.r))
		if p.inward {
			dir = dir.Scale(-1)
		}
		return x, dir
	}
	// Barycentric weights (1 - sqrt(u1), sqrt(u1) (1 - u2), sqrt(u1) u2) of
	// A, B, C are uniform over the triangle.
	su := math.Sqrt(u1)
	b1, b2 := su*(1-u2), su*u2
	return p.a.Add(p.e1.Scale(b1)).Add(p.e2.Scale(b2)), p.n
}
