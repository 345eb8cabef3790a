// Evaluating the MNIST denoiser: PSNR of the corrupted input and of the
// reconstruction against the clean test digits, over all pixels and over
// the destroyed ones, plus a few examples for a figure.

package dae

import (
	"errors"
	"fmt"
	"image"
	"math"
	"math/rand/v2"

	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/img"
)

// MNISTEvalSize is the number of test digits of a full evaluation (all of
// MNIST's test set); use train.Pick(200, MNISTEvalSize) for budgets.
const MNISTEvalSize = 10000

// MNISTExampleCount is the number of examples an [MNISTEval] keeps.
const MNISTExampleCount = 8

// MNISTEval is the evaluation of a denoiser on n test digits.
//
// PSNR convention: images in [0, 1], peak 1, kit/img's default protocol
// (the image compared with the clean digit is clipped to [0, 1], as when it
// is displayed), and the MSE pooled over all the pixels of the n digits
// before taking -10 log10 (img.GlobalPSNR). Per-image PSNRs would be +Inf
// whenever a corruption leaves a digit unchanged (a block on the
// background), which makes their mean useless here.
type MNISTEval struct {
	Corruption string // Name of the corruption used
	N          int    // number of test digits

	// Whole digits: PSNR (dB) of the corrupted inputs X~ and of the
	// reconstructions phi(X~) against the clean digits X.
	CorruptedPSNR, DenoisedPSNR float64

	// Destroyed pixels only (the corruption's mask: erased pixels, or the
	// masked block), MSE pooled over the masked pixels of the n digits. NaN
	// for a corruption without a mask (additive noise) or when no pixel is
	// masked. For a block the input there is all 0, so CorruptedMaskedPSNR
	// measures how much ink the block hid.
	CorruptedMaskedPSNR, DenoisedMaskedPSNR float64

	// Examples are the first min(n, MNISTExampleCount) test digits.
	Examples MNISTExamples
}

// String is a one-line summary, e.g.
// "block-10 on 10000 digits: PSNR 14.20 -> 21.33 dB, in mask 8.10 -> 15.72 dB".
func (e *MNISTEval) String() string {
	s := fmt.Sprintf("%s on %d digits: PSNR %.2f -> %.2f dB", e.Corruption, e.N, e.CorruptedPSNR, e.DenoisedPSNR)
	if !math.IsNaN(e.CorruptedMaskedPSNR) {
		s += fmt.Sprintf(", in mask %.2f -> %.2f dB", e.CorruptedMaskedPSNR, e.DenoisedMaskedPSNR)
	}
	return s
}

// MNISTExamples holds N digits, clean, corrupted and reconstructed, for a
// figure.
type MNISTExamples struct {
	N         int
	Clean     []float32 // [N, 28, 28, 1] in [0, 1]
	Corrupted []float32 // [N, 28, 28, 1], [0, 1] units (not clipped)
	Denoised  []float32 // [N, 28, 28, 1], [0, 1] units (not clipped)
	Mask      []bool    // [N, 28, 28], true = destroyed; nil without a mask
}

// Grid draws the examples as a 3 x N image grid: clean digits in the first
// row, corrupted inputs in the second, reconstructions in the third (values
// clipped to [0, 1]; see img.GridOptions for padding and scale).
func (e MNISTExamples) Grid(o img.GridOptions) (*image.RGBA, error) {
	k := MNISTSide * MNISTSide
	if e.N < 1 || len(e.Clean) != e.N*k || len(e.Corrupted) != e.N*k || len(e.Denoised) != e.N*k {
		return nil, fmt.Errorf("dae: MNISTExamples.Grid: want N >= 1 and three [N, 28, 28, 1] arrays, got N = %d", e.N)
	}
	all := make([]float32, 0, 3*e.N*k)
	all = append(append(append(all, e.Clean...), e.Corrupted...), e.Denoised...)
	return img.Grid(all, img.Shape{N: 3 * e.N, H: MNISTSide, W: MNISTSide, C: 1}, 3, e.N, o)
}

// streamMNISTEval is the PCG stream of the evaluation's corruption.
const streamMNISTEval = 0x6d6e6973745f6576 // "mnist_ev"

// EvaluateMNIST corrupts the first n digits of test ([N, 28, 28, 1], e.g.
// data.MNIST(data.Test)) with c (nil: the corruption r was trained with)
// using a PCG seeded by (seed, streamMNISTEval), denoises them with r, and
// returns the PSNRs of [MNISTEval] and the first examples. Use n =
// MNISTEvalSize for the full test set.
func EvaluateMNIST(r *MNISTResult, test *data.Set, c Corruption, seed uint64, n int) (*MNISTEval, error) {
	if r == nil {
		return nil, errors.New("dae: EvaluateMNIST: nil result")
	}
	if c == nil {
		c = r.Config.Corruption
	}
	if c == nil {
		return nil, errors.New("dae: EvaluateMNIST: no corruption")
	}
	if test == nil || test.H != MNISTSide || test.W != MNISTSide || test.C != 1 {
		return nil, fmt.Errorf("dae: EvaluateMNIST: test set must be [N, %d, %d, 1], got %v", MNISTSide, MNISTSide, test)
	}
	if n < 1 || n > test.Len() {
		return nil, fmt.Errorf("dae: EvaluateMNIST: n = %d, want 1 <= n <= %d (the test set's size)", n, test.Len())
	}
	sub, err := test.Slice(0, n)
	if err != nil {
		return nil, err
	}
	clean := sub.Images
	rng := rand.New(rand.NewPCG(seed, streamMNISTEval))
	noisy, mask, err := CorruptCopy(c, clean, n, MNISTSide, MNISTSide, rng)
	if err != nil {
		return nil, err
	}
	denoised, err := r.Denoise(noisy, n)
	if err != nil {
		return nil, err
	}
	ev, err := scoreMNIST(clean, noisy, denoised, mask, n)
	if err != nil {
		return nil, err
	}
	ev.Corruption = c.Name()
	return ev, nil
}

// scoreMNIST computes the PSNRs of [MNISTEval] for n digits: clean, noisy,
// denoised [n, 28, 28, 1]; mask [n, 28, 28] or nil. It keeps copies of the
// first MNISTExampleCount digits.
func scoreMNIST(clean, noisy, denoised []float32, mask []bool, n int) (*MNISTEval, error) {
	s := img.Shape{N: n, H: MNISTSide, W: MNISTSide, C: 1}
	ev := &MNISTEval{N: n, CorruptedMaskedPSNR: math.NaN(), DenoisedMaskedPSNR: math.NaN()}
	var err error
	if ev.CorruptedPSNR, err = img.GlobalPSNR(noisy, clean, s); err != nil {
		return nil, err
	}
	if ev.DenoisedPSNR, err = img.GlobalPSNR(denoised, clean, s); err != nil {
		return nil, err
	}
	if mask != nil {
		if len(mask) != len(clean) {
			return nil, fmt.Errorf("dae: mask has %d values, images %d", len(mask), len(clean))
		}
		m := make([]float32, len(mask))
		some := false
		for i, b := range mask {
			if b {
				m[i], some = 1, true
			}
		}
		if some {
			if ev.CorruptedMaskedPSNR, err = img.PSNRMasked(noisy, clean, m); err != nil {
				return nil, err
			}
			if ev.DenoisedMaskedPSNR, err = img.PSNRMasked(denoised, clean, m); err != nil {
				return nil, err
			}
		}
	}
	k := min(n, MNISTExampleCount)
	size := k * s.ImageSize()
	ex := MNISTExamples{
		N:         k,
		Clean:     append([]float32(nil), clean[:size]...),
		Corrupted: append([]float32(nil), noisy[:size]...),
		Denoised:  append([]float32(nil), denoised[:size]...),
	}
	if mask != nil {
		ex.Mask = append([]bool(nil), mask[:size]...)
	}
	ev.Examples = ex
	return ev, nil
}
