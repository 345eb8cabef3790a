package sdae

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// RotateImage writes into dst the h x w image src rotated by angle radians
// about its centre ((w-1)/2, (h-1)/2) in pixel-centre coordinates,
// counter-clockwise as displayed (rows going down): a positive quarter turn
// matches numpy's rot90 on a square image. Each output pixel is the bilinear
// interpolation of src at the inverse-rotated position, with zeros outside
// src. dst, src: [h, w] float32, distinct slices.
//
// With the centre at (w-1)/2 a quarter turn of a square image maps pixel
// centres onto pixel centres, so RotateImage(pi/2) equals the exact pixel
// rotation (up to 1e-15 from cos(pi/2) != 0 in floating point), and angle 0
// is the identity.
func RotateImage(dst, src []float32, h, w int, angle float64) error {
	if h < 1 || w < 1 || len(src) != h*w || len(dst) != h*w {
		return fmt.Errorf("sdae.RotateImage: src has %d and dst %d values, want h*w = %d*%d", len(src), len(dst), h, w)
	}
	if math.IsNaN(angle) || math.IsInf(angle, 0) {
		return fmt.Errorf("sdae.RotateImage: angle %g is not finite", angle)
	}
	cy, cx := float64(h-1)/2, float64(w-1)/2
	cos, sin := math.Cos(angle), math.Sin(angle)
	at := func(y, x int) float64 {
		if y < 0 || y >= h || x < 0 || x >= w {
			return 0
		}
		return float64(src[y*w+x])
	}
	for y := range h {
		dy := float64(y) - cy
		for x := range w {
			dx := float64(x) - cx
			xs := cx + dx*cos - dy*sin
			ys := cy + dx*sin + dy*cos
			x0, y0 := math.Floor(xs), math.Floor(ys)
			fx, fy := xs-x0, ys-y0
			ix, iy := int(x0), int(y0)
			v := (1-fy)*((1-fx)*at(iy, ix)+fx*at(iy, ix+1)) + fy*((1-fx)*at(iy+1, ix)+fx*at(iy+1, ix+1))
			dst[y*w+x] = float32(v)
		}
	}
	return nil
}

// Composite says how a digit is laid over a background B (noise or photo
// patch) at each pixel, digit value D.
type Composite int

const (
	// CompositeMax keeps max(D, B): the white strokes stay at least as bright
	// as the background, with no dark halo around anti-aliased edges. The
	// default.
	CompositeMax Composite = iota
	// CompositeReplace keeps D where D > Threshold and puts B elsewhere: the
	// digit's pixels are preserved exactly, the background pixels replaced.
	CompositeReplace
)

// composite lays digit over bg into dst (all [784]).
func composite(dst, digit, bg []float32, mode Composite, threshold float32) error {
	switch mode {
	case CompositeMax:
		for i, d := range digit {
			dst[i] = max(d, bg[i])
		}
	case CompositeReplace:
		for i, d := range digit {
			if d > threshold {
				dst[i] = d
			} else {
				dst[i] = bg[i]
			}
		}
	default:
		return fmt.Errorf("sdae: unknown Composite mode %d", mode)
	}
	return nil
}

// sourceDigit returns digit i mod N and its label: image i of a digit variant
// is built from source digit i mod N, so n = N transforms each digit once (as
// Larochelle et al. did) and n > N cycles through them again.
func (d Digits) sourceDigit(i int) ([]float32, int) {
	k := i % d.Len()
	return d.Images[k*pixels : (k+1)*pixels], d.Labels[k]
}

// Rot generates mnist-rot: digit i mod N rotated (RotateImage) by an angle
// uniform in [0, 2 pi), label the digit's.
type Rot struct {
	Digits Digits // source digits, [N, 28, 28]
}

// Generate returns n rotated digits, images [n, 28, 28] float32 in [0, 1] and
// labels [n] in 0..9, deterministic for a seed.
func (c Rot) Generate(n int, seed uint64) (images []float32, labels []int, err error) {
	return generateDigits(c.Digits, n, seed, func(dst, digit []float32, rng *rand.Rand) error {
		return RotateImage(dst, digit, Side, Side, 2*math.Pi*rng.Float64())
	})
}

// BgRand generates mnist-back-rand: digit i mod N over a background of
// independent uniform [0, 1] pixels (uniform 0..255 in Larochelle et al.),
// combined by Composite.
type BgRand struct {
	Digits    Digits    // source digits, [N, 28, 28]
	Composite Composite // how digit and noise combine; default CompositeMax
	Threshold float32   // for CompositeReplace: pixels with D <= Threshold are background (default 0)
}

// Generate returns n digits on noise, images [n, 28, 28] float32 in [0, 1] and
// labels [n], deterministic for a seed.
func (c BgRand) Generate(n int, seed uint64) (images []float32, labels []int, err error) {
	noise := make([]float32, pixels)
	return generateDigits(c.Digits, n, seed, func(dst, digit []float32, rng *rand.Rand) error {
		for j := range noise {
			noise[j] = rng.Float32()
		}
		return composite(dst, digit, noise, c.Composite, c.Threshold)
	})
}

// BgImg generates mnist-back-image (Rotate false) and mnist-rot-back-image
// (Rotate true): digit i mod N, rotated by an angle uniform in [0, 2 pi) when
// Rotate is set, over a patch drawn from Patches, combined by Composite.
type BgImg struct {
	Digits    Digits      // source digits, [N, 28, 28]
	Patches   PatchSource // background patches, e.g. PatchesFromImages
	Rotate    bool        // rotate the digit first (bg-img-rot)
	Composite Composite   // how digit and patch combine; default CompositeMax
	Threshold float32     // for CompositeReplace (default 0)
}

// Generate returns n digits on photo patches, images [n, 28, 28] float32 and
// labels [n], deterministic for a seed when Patches is.
func (c BgImg) Generate(n int, seed uint64) (images []float32, labels []int, err error) {
	if c.Patches == nil {
		return nil, nil, fmt.Errorf("sdae.BgImg: nil Patches source")
	}
	rotated := make([]float32, pixels)
	return generateDigits(c.Digits, n, seed, func(dst, digit []float32, rng *rand.Rand) error {
		if c.Rotate {
			if err := RotateImage(rotated, digit, Side, Side, 2*math.Pi*rng.Float64()); err != nil {
				return err
			}
			digit = rotated
		}
		bg, err := c.Patches(rng)
		if err != nil {
			return err
		}
		if len(bg) != pixels {
			return fmt.Errorf("sdae.BgImg: patch source returned %d values, want 28 x 28 = 784", len(bg))
		}
		return composite(dst, digit, bg, c.Composite, c.Threshold)
	})
}

// generateDigits runs draw on each of n output images with source digit
// i mod N and image i's random stream.
func generateDigits(d Digits, n int, seed uint64, draw func(dst, digit []float32, rng *rand.Rand) error) ([]float32, []int, error) {
	if err := checkN(n); err != nil {
		return nil, nil, err
	}
	if err := d.check(); err != nil {
		return nil, nil, err
	}
	images := make([]float32, n*pixels)
	labels := make([]int, n)
	for i := range n {
		digit, label := d.sourceDigit(i)
		if err := draw(images[i*pixels:(i+1)*pixels], digit, imageRNG(seed, i)); err != nil {
			return nil, nil, fmt.Errorf("sdae: image %d: %w", i, err)
		}
		labels[i] = label
	}
	return images, labels, nil
}
