package dae

import (
	"math"
	"slices"
	"testing"

	"github.com/dlc-go/denoising/kit/img"
)

// TestScoreMNIST checks the PSNR convention on a hand-computed case: two
// digits at 0.5 everywhere; 100 pixels of digit 0 and 50 of digit 1
// destroyed (set to 0), plus one unmasked input pixel at -0.5 (clipped to 0
// before the error, so it costs 0.25, not 1); the reconstruction is 0.6 on
// the destroyed pixels and exact elsewhere.
func TestScoreMNIST(t *testing.T) {
	const n, size = 2, 784
	clean := make([]float32, n*size)
	for i := range clean {
		clean[i] = 0.5
	}
	noisy, denoised := slices.Clone(clean), slices.Clone(clean)
	mask := make([]bool, n*size)
	for _, i := range slices.Concat(seq(0, 100), seq(size+300, size+350)) {
		mask[i], noisy[i], denoised[i] = true, 0, 0.6
	}
	noisy[size+500] = -0.5
	ev, err := scoreMNIST(clean, noisy, denoised, mask, n)
	if err != nil {
		t.Fatal(err)
	}
	psnr := func(mse float64) float64 { return -10 * math.Log10(mse) }
	want := []float64{
		psnr(151 * 0.25 / (n * size)), // corrupted, whole
		psnr(150 * 0.01 / (n * size)), // denoised, whole
		psnr(0.25),                    // corrupted, in mask: 6.02 dB
		psnr(0.01),                    // denoised, in mask: 20 dB
	}
	got := []float64{ev.CorruptedPSNR, ev.DenoisedPSNR, ev.CorruptedMaskedPSNR, ev.DenoisedMaskedPSNR}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-4 {
			t.Errorf("PSNR #%d = %.6f dB, want %.6f", i, got[i], want[i])
		}
	}
	if math.Abs(ev.DenoisedMaskedPSNR-20) > 1e-4 {
		t.Errorf("masked PSNR of a 0.1 error: %g, want 20 dB", ev.DenoisedMaskedPSNR)
	}
	// Examples are copies of the first min(n, 8) digits.
	if ev.Examples.N != 2 || len(ev.Examples.Mask) != n*size || !slices.Equal(ev.Examples.Corrupted, noisy) {
		t.Errorf("examples: N = %d", ev.Examples.N)
	}
	noisy[0] = 9
	if ev.Examples.Corrupted[0] != 0 {
		t.Error("examples share memory with the inputs")
	}
	g, err := ev.Examples.Grid(img.GridOptions{Scale: 2})
	if err != nil || g.Bounds().Dx() != 2*28*2 || g.Bounds().Dy() != 3*28*2 {
		t.Errorf("grid %v, %v", g.Bounds(), err)
	}
	if _, err := (MNISTExamples{}).Grid(img.GridOptions{}); err == nil {
		t.Error("empty examples should fail")
	}

	// Without a mask the masked PSNRs are NaN.
	ev, err = scoreMNIST(clean, noisy, denoised, nil, n)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(ev.CorruptedMaskedPSNR) || !math.IsNaN(ev.DenoisedMaskedPSNR) || ev.Examples.Mask != nil {
		t.Errorf("no mask: %+v", ev)
	}
	if _, err := scoreMNIST(clean, noisy, denoised, mask[:10], n); err == nil {
		t.Error("short mask should fail")
	}
}

func seq(from, to int) []int {
	s := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}
