package render

import "math"

// Vec3 is a point or direction in scene space (right-handed, y up).
type Vec3 struct{ X, Y, Z float64 }

// V is shorthand for Vec3{x, y, z}.
func V(x, y, z float64) Vec3 { return Vec3{x, y, z} }

// Add returns a + b.
func (a Vec3) Add(b Vec3) Vec3 { return Vec3{a.X + b.X, a.Y + b.Y, a.Z + b.Z} }

// Sub returns a - b.
func (a Vec3) Sub(b Vec3) Vec3 { return Vec3{a.X - b.X, a.Y - b.Y, a.Z - b.Z} }

// Scale returns s a.
func (a Vec3) Scale(s float64) Vec3 { return Vec3{s * a.X, s * a.Y, s * a.Z} }

// Dot returns the dot product a . b.
func (a Vec3) Dot(b Vec3) float64 { return a.X*b.X + a.Y*b.Y + a.Z*b.Z }

// Cross returns the cross product a x b.
func (a Vec3) Cross(b Vec3) Vec3 {
	return Vec3{a.Y*b.Z - a.Z*b.Y, a.Z*b.X - a.X*b.Z, a.X*b.Y - a.Y*b.X}
}

// Len returns the Euclidean length |a|.
func (a Vec3) Len() float64 { return math.Sqrt(a.Dot(a)) }

// Norm returns a / |a| (the zero vector stays zero).
func (a Vec3) Norm() Vec3 {
	l := a.Len()
	if l == 0 {
		return a
	}
	return a.Scale(1 / l)
}

func (a Vec3) finite() bool {
	return !math.IsNaN(a.X+a.Y+a.Z) && !math.IsInf(a.X+a.Y+a.Z, 0)
}

// RGB is a linear colour triple: a reflectance in [0, 1) per channel or a
// radiance >= 0.
type RGB [3]float64

// Mul returns the channel-wise product c * d.
func (c RGB) Mul(d RGB) RGB { return RGB{c[0] * d[0], c[1] * d[1], c[2] * d[2]} }

// Scale returns s c.
func (c RGB) Scale(s float64) RGB { return RGB{s * c[0], s * c[1], s * c[2]} }

// Add returns c + d.
func (c RGB) Add(d RGB) RGB { return RGB{c[0] + d[0], c[1] + d[1], c[2] + d[2]} }

// Max returns the largest channel.
func (c RGB) Max() float64 { return max(c[0], c[1], c[2]) }

// IsZero reports whether every channel is 0.
func (c RGB) IsZero() bool { return c[0] == 0 && c[1] == 0 && c[2] == 0 }

// onb returns two unit vectors t, b with (t, b, n) an orthonormal basis, for
// a unit n (Duff et al. 2017, "Building an orthonormal basis, revisited").
func onb(n Vec3) (t, b Vec3) {
	s := math.Copysign(1, n.Z)
	a := -1 / (s + n.Z)
	bb := n.X * n.Y * a
	t = Vec3{1 + s*n.X*n.X*a, s * bb, -s * n.X}
	b = Vec3{bb, s + n.Y*n.Y*a, -n.Y}
	return t, b
}
