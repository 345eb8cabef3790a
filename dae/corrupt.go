// Corruptions of the lecture's MNIST experiments: the denoising
// autoencoder is trained on pairs (X~, X) where X~ is X with pixels erased,
// with additive Gaussian noise, or with a square block masked.
//
// Every corruption works on a batch of gray images x: [N, H, W, 1] float32
// with values in [0, 1] (kit/data's convention), draws its randomness from
// the *rand.Rand it is given (so a seeded PCG makes it reproducible), and
// reports which pixels it destroyed as a mask [N, H, W] (true = corrupted),
// or nil when every pixel is corrupted (additive noise).

package dae

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// MNIST normalisation constants: the mean and standard deviation of the
// pixels of MNIST's training set in [0, 1] units (the values the lecture,
// like torchvision's examples, uses to normalise its inputs).
const (
	MNISTMean = 0.1307
	MNISTStd  = 0.3081
)

// NormalizeMNIST maps a pixel value in [0, 1] units to the lecture's
// normalised units: (v - MNISTMean) / MNISTStd.
func NormalizeMNIST(v float64) float64 { return (v - MNISTMean) / MNISTStd }

// DenormalizeMNIST maps a value in normalised units back to [0, 1] units:
// v * MNISTStd + MNISTMean.
func DenormalizeMNIST(v float64) float64 { return v*MNISTStd + MNISTMean }

// Corruption turns clean images X into corrupted ones X~.
//
// Apply writes the corruption of src into dst, both [n, h, w, 1] float32
// (flat, row-major; values in [0, 1] for src) of length n*h*w; dst may be
// src itself (in place). It returns the mask [n, h, w] of the corrupted
// pixels (true = destroyed: erased or masked), or nil when the corruption
// touches every pixel (additive noise). All randomness comes from rng, in a
// documented order, so the same seed gives the same X~ and mask. Apply
// returns an error (and leaves dst unspecified) for invalid parameters,
// mismatched lengths, non-positive sizes or a nil rng.
type Corruption interface {
	// Name is a short identifier with the parameters, e.g. "erasure-p0.9";
	// it names runs and enters cache keys.
	Name() string
	// Validate reports whether the parameters are in range.
	Validate() error
	// Apply corrupts src into dst, see [Corruption].
	Apply(dst, src []float32, n, h, w int, rng *rand.Rand) (mask []bool, err error)
}

// LectureCorruptions returns the six corruptions of the lecture's MNIST
// figures: erasure with p = 0.5 and 0.9, additive Gaussian noise with
// sigma = 2 and 4 (normalised units), and a random 10x10 and 16x16 block.
func LectureCorruptions() []Corruption {
	return []Corruption{
		Erasure{P: 0.5}, Erasure{P: 0.9},
		Gaussian{SigmaNorm: 2}, Gaussian{SigmaNorm: 4},
		Block{Size: 10}, Block{Size: 16},
	}
}

// CorruptCopy applies c to a copy of src ([n, h, w, 1] float32) and returns
// the corrupted copy and the mask (see [Corruption]).
func CorruptCopy(c Corruption, src []float32, n, h, w int, rng *rand.Rand) ([]float32, []bool, error) {
	if c == nil {
		return nil, nil, errors.New("dae: CorruptCopy: nil Corruption")
	}
	dst := make([]float32, len(src))
	mask, err := c.Apply(dst, src, n, h, w, rng)
	if err != nil {
		return nil, nil, err
	}
	return dst, mask, nil
}

// checkApply checks the common arguments of Apply.
func checkApply(name string, dst, src []float32, n, h, w int, rng *rand.Rand) error {
	if n < 1 || h < 1 || w < 1 {
		return fmt.Errorf("dae: %s: sizes n=%d, h=%d, w=%d must be >= 1", name, n, h, w)
	}
	if len(src) != n*h*w {
		return fmt.Errorf("dae: %s: src has %d values, want n*h*w = %d*%d*%d = %d ([N, H, W, 1])",
			name, len(src), n, h, w, n*h*w)
	}
	if len(dst) != len(src) {
		return fmt.Errorf("dae: %s: dst has %d values, src has %d", name, len(dst), len(src))
	}
	if rng == nil {
		return fmt.Errorf("dae: %s: nil *rand.Rand", name)
	}
	return nil
}

// Erasure sets each pixel to 0 (black, the MNIST background) independently
// with probability P: the lecture's "pixel erasure" (p = 0.5 and 0.9).
//
// The erased value is 0 in [0, 1] units, i.e. -MNISTMean/MNISTStd = -0.424
// in the normalised units the network sees, so an erased pixel looks like
// background. (Erasing to 0 in normalised units instead would paint the
// mean gray level MNISTMean.) Its mask marks every erased pixel, including
// background pixels that were already 0.
type Erasure struct {
	P float64 // erasure probability, in [0, 1]
}

// Name returns "erasure-p<P>", e.g. "erasure-p0.5".
func (e Erasure) Name() string { return fmt.Sprintf("erasure-p%g", e.P) }

// Validate reports an error unless 0 <= P <= 1.
func (e Erasure) Validate() error {
	if !(e.P >= 0 && e.P <= 1) {
		return fmt.Errorf("dae: Erasure.P must be in [0, 1], got %g", e.P)
	}
	return nil
}

// Apply erases pixels of src ([n, h, w, 1]) into dst: pixel i (in row-major
// order) is erased iff rng.Float64() < P, one draw per pixel. Pixels not
// erased are copied unchanged. The mask [n, h, w] marks the erased pixels.
func (e Erasure) Apply(dst, src []float32, n, h, w int, rng *rand.Rand) ([]bool, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if err := checkApply("Erasure.Apply", dst, src, n, h, w, rng); err != nil {
		return nil, err
	}
	mask := make([]bool, len(src))
	for i, v := range src {
		if rng.Float64() < e.P {
			dst[i], mask[i] = 0, true
		} else {
			dst[i] = v
		}
	}
	return mask, nil
}

// Gaussian adds independent Gaussian noise to every pixel. Its standard
// deviation SigmaNorm is in the lecture's normalised units (pixels divided
// by MNISTStd after subtracting MNISTMean), so the lecture's sigma = 2 and
// sigma = 4 are Gaussian{SigmaNorm: 2} and Gaussian{SigmaNorm: 4}. In the
// [0, 1] units of the images the standard deviation is
// [Gaussian.Sigma01] = SigmaNorm * MNISTStd (0.616 and 1.232). The noisy
// pixels are not clipped: they leave [0, 1].
type Gaussian struct {
	SigmaNorm float64 // noise standard deviation in normalised units (> 0)
}

// GaussianFrom01 returns the Gaussian corruption whose standard deviation
// in [0, 1] pixel units is sigma01 (SigmaNorm = sigma01 / MNISTStd).
func GaussianFrom01(sigma01 float64) Gaussian { return Gaussian{SigmaNorm: sigma01 / MNISTStd} }

// Sigma01 is the noise standard deviation in [0, 1] pixel units:
// SigmaNorm * MNISTStd.
func (g Gaussian) Sigma01() float64 { return g.SigmaNorm * MNISTStd }

// Name returns "gaussian-sigma<SigmaNorm>" (normalised units), e.g.
// "gaussian-sigma2".
func (g Gaussian) Name() string { return fmt.Sprintf("gaussian-sigma%g", g.SigmaNorm) }

// Validate reports an error unless SigmaNorm is positive and finite.
func (g Gaussian) Validate() error {
	if !(g.SigmaNorm > 0) || math.IsInf(g.SigmaNorm, 0) {
		return fmt.Errorf("dae: Gaussian.SigmaNorm must be > 0 and finite, got %g", g.SigmaNorm)
	}
	return nil
}

// Apply writes src + Sigma01() * Z into dst ([n, h, w, 1], [0, 1] units),
// Z = rng.NormFloat64() drawn once per pixel in row-major order. The mask
// is nil: every pixel is corrupted.
func (g Gaussian) Apply(dst, src []float32, n, h, w int, rng *rand.Rand) ([]bool, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if err := checkApply("Gaussian.Apply", dst, src, n, h, w, rng); err != nil {
		return nil, err
	}
	s := g.Sigma01()
	for i, v := range src {
		dst[i] = v + float32(s*rng.NormFloat64())
	}
	return nil, nil
}

// Block masks one Size x Size square per image, set to 0 (black): the
// lecture's 10x10 and 16x16 block masks. The square lies fully inside the
// image, its top-left corner uniform over the (h-Size+1) x (w-Size+1)
// valid positions. The mask marks the Size^2 pixels of each square.
type Block struct {
	Size int // side of the square, in pixels: 1 <= Size <= min(h, w)
}

// Name returns "block-<Size>", e.g. "block-10".
func (b Block) Name() string { return fmt.Sprintf("block-%d", b.Size) }

// Validate reports an error unless Size >= 1 (Apply also checks that the
// square fits in the images).
func (b Block) Validate() error {
	if b.Size < 1 {
		return fmt.Errorf("dae: Block.Size must be >= 1, got %d", b.Size)
	}
	return nil
}

// Apply copies src ([n, h, w, 1]) into dst and zeroes one square per image;
// image k's corner is (top, left) = (rng.IntN(h-Size+1), rng.IntN(w-Size+1)),
// drawn in that order for k = 0..n-1. It returns the mask [n, h, w]. An
// error is returned if Size > h or Size > w.
func (b Block) Apply(dst, src []float32, n, h, w int, rng *rand.Rand) ([]bool, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	if err := checkApply("Block.Apply", dst, src, n, h, w, rng); err != nil {
		return nil, err
	}
	if b.Size > h || b.Size > w {
		return nil, fmt.Errorf("dae: Block.Size = %d does not fit in %dx%d images", b.Size, h, w)
	}
	copy(dst, src)
	mask := make([]bool, len(src))
	for k := range n {
		top, left := rng.IntN(h-b.Size+1), rng.IntN(w-b.Size+1)
		for y := top; y < top+b.Size; y++ {
			row := (k*h+y)*w + left
			for x := row; x < row+b.Size; x++ {
				dst[x], mask[x] = 0, true
			}
		}
	}
	return mask, nil
}
