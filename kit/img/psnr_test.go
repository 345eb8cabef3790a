package img

import (
	"math"
	"math/rand/v2"
	"testing"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsInf(want, 0) || math.IsNaN(want) {
		if !(got == want || (math.IsNaN(want) && math.IsNaN(got))) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
		return
	}
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.9g, want %.9g (tol %g)", what, got, want, tol)
	}
}

func fill(n int, v float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = v
	}
	return x
}

func TestPSNRHandComputed(t *testing.T) {
	// Error 0.25 (exact in float32) everywhere: MSE = 1/16, PSNR = 10 log10 16.
	p, err := PSNR(fill(10, 0.5), fill(10, 0.25))
	if err != nil {
		t.Fatal(err)
	}
	near(t, "PSNR(MSE=1/16)", p, 10*math.Log10(16), 1e-12)

	// Error 0.1 everywhere: MSE = 0.01 -> 20 dB (up to float32 rounding of 0.1).
	p, _ = PSNR(fill(7, 0.1), fill(7, 0))
	near(t, "PSNR(MSE=0.01)", p, 20, 1e-6)
	near(t, "PSNRFromMSE(0.01)", PSNRFromMSE(0.01), 20, 1e-12)
	near(t, "PSNRFromMSE(1e-4)", PSNRFromMSE(1e-4), 40, 1e-12)

	// Half the values off by 0.2, half exact: MSE = 0.02.
	pred := []float32{0.3, 0.5, 0.3, 0.5}
	ref := []float32{0.1, 0.5, 0.1, 0.5}
	p, _ = PSNR(pred, ref)
	near(t, "PSNR(MSE=0.02)", p, -10*math.Log10(0.02), 1e-5)

	// A constant offset of 0.05 on random content: MSE = 0.0025 -> 26.0206 dB.
	rng := rand.New(rand.NewPCG(1, 2))
	ref = make([]float32, 1000)
	pred = make([]float32, 1000)
	for i := range ref {
		ref[i] = 0.2 + 0.6*rng.Float32()
		pred[i] = ref[i] + 0.05
	}
	p, _ = PSNR(pred, ref)
	near(t, "PSNR(offset 0.05)", p, -10*math.Log10(0.0025), 1e-4)
}

func TestPSNRIdenticalNaNAndErrors(t *testing.T) {
	x := []float32{0, 0.5, 1}
	p, err := PSNR(x, x)
	if err != nil || !math.IsInf(p, 1) {
		t.Errorf("identical images: PSNR = %v, %v; want +Inf, nil", p, err)
	}
	p, _ = PSNR([]float32{float32(math.NaN()), 0.5, 1}, x)
	if !math.IsNaN(p) {
		t.Errorf("NaN prediction: PSNR = %v, want NaN", p)
	}
	if _, err := PSNR(x, x[:2]); err == nil {
		t.Error("length mismatch: want an error")
	}
	if _, err := PSNR(nil, nil); err == nil {
		t.Error("empty images: want an error")
	}
	s := Shape{N: 2, H: 1, W: 1, C: 1}
	if _, err := MeanPSNR(x, x, s); err == nil {
		t.Error("shape of 2 values for 3: want an error")
	}
	if _, err := (Protocol{Border: 1}).MeanPSNR(fill(4, 0), fill(4, 0), Shape{1, 2, 2, 1}); err == nil {
		t.Error("border 1 on 2x2: want an error")
	}
	if _, err := (Protocol{Luminance: true}).MeanPSNR(fill(4, 0), fill(4, 0), Shape{1, 2, 2, 1}); err == nil {
		t.Error("luminance of a gray image: want an error")
	}
	if !math.IsNaN(PSNRFromMSE(-1)) {
		t.Error("PSNRFromMSE(-1) should be NaN")
	}
}

func TestPSNRClipping(t *testing.T) {
	// ref 0.9, pred 1.3: clipped error 0.1 (20 dB), raw error 0.4 (MSE 0.16).
	pred, ref := fill(4, 1.3), fill(4, 0.9)
	s := Shape{N: 1, H: 2, W: 2, C: 1}
	p, _ := PSNR(pred, ref)
	near(t, "clipped", p, 20, 1e-5)
	p, _ = Default.MeanPSNR(pred, ref, s)
	near(t, "Default.MeanPSNR clipped", p, 20, 1e-5)
	p, _ = Protocol{NoClip: true}.MeanPSNR(pred, ref, s)
	near(t, "NoClip", p, -10*math.Log10(0.16), 1e-5)
	// Below 0 as well; and a prediction fully out of range of a saturated
	// reference is perfect once clipped.
	p, _ = PSNR([]float32{-0.5, 1.5}, []float32{0, 1})
	near(t, "saturated", p, math.Inf(1), 0)
}

func TestMeanVersusGlobal(t *testing.T) {
	// Image 0: error 0.1 (MSE 0.01, 20 dB); image 1: error 0.01 (MSE 1e-4, 40 dB).
	s := Shape{N: 2, H: 2, W: 2, C: 1}
	ref := fill(8, 0.5)
	pred := append(fill(4, 0.6), fill(4, 0.51)...)
	ps, err := Default.PSNRs(pred, ref, s)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "PSNRs[0]", ps[0], 20, 1e-4)
	near(t, "PSNRs[1]", ps[1], 40, 1e-3)
	m, _ := MeanPSNR(pred, ref, s)
	near(t, "MeanPSNR", m, 30, 1e-3)
	g, _ := GlobalPSNR(pred, ref, s)
	near(t, "GlobalPSNR", g, -10*math.Log10((0.01+1e-4)/2), 1e-4)
	if !(m > g) {
		t.Errorf("mean PSNR %v should exceed global PSNR %v", m, g)
	}
}

func TestPSNRBorder(t *testing.T) {
	// 4x4 image: error 0.5 on the 12 border pixels, 0.1 on the 4 inner ones.
	s := Shape{N: 1, H: 4, W: 4, C: 1}
	ref := fill(16, 0.2)
	pred := fill(16, 0.7)
	for y := 1; y < 3; y++ {
		for x := 1; x < 3; x++ {
			pred[y*4+x] = 0.3
		}
	}
	p, _ := Protocol{Border: 1}.MeanPSNR(pred, ref, s)
	near(t, "Border 1", p, 20, 1e-5)
	p, _ = Protocol{}.MeanPSNR(pred, ref, s)
	near(t, "no border", p, -10*math.Log10((12*0.25+4*0.01)/16), 1e-5)
}

func TestLuminance(t *testing.T) {
	y, err := Luminance([]float32{1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{(16 + 65.481) / 255, (16 + 128.553) / 255, (16 + 24.966) / 255, 235.0 / 255, 16.0 / 255}
	for i, w := range want {
		near(t, "Y", float64(y[i]), w, 1e-6)
	}
	if _, err := Luminance([]float32{1, 2}); err == nil {
		t.Error("2 values: want an error")
	}
	// An offset of 0.1 on every channel is an offset of 0.1*219/255 on Y.
	s := Shape{N: 1, H: 2, W: 2, C: 3}
	rng := rand.New(rand.NewPCG(3, 4))
	ref := make([]float32, 12)
	pred := make([]float32, 12)
	for i := range ref {
		ref[i] = 0.8 * rng.Float32()
		pred[i] = ref[i] + 0.1
	}
	p, _ := Protocol{Luminance: true}.MeanPSNR(pred, ref, s)
	near(t, "Y PSNR", p, 20-20*math.Log10(219.0/255), 1e-4)
}

func TestPSNRMasked(t *testing.T) {
	// Error 0.1 inside the mask, 0.5 outside: masked PSNR is 20 dB.
	ref := fill(6, 0.2)
	pred := []float32{0.3, 0.7, 0.3, 0.7, 0.7, 0.3}
	mask := []float32{1, 0, 1, 0, 0, 1}
	p, err := PSNRMasked(pred, ref, mask)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "masked", p, 20, 1e-5)
	if _, err := PSNRMasked(pred, ref, make([]float32, 6)); err == nil {
		t.Error("empty mask: want an error")
	}
	if _, err := PSNRMasked(pred, ref, mask[:5]); err == nil {
		t.Error("short mask: want an error")
	}
	// Batch: image 0 masked error 0.1 (20 dB), image 1 masked error 0.01 (40 dB).
	s := Shape{N: 2, H: 1, W: 3, C: 1}
	ref = fill(6, 0.5)
	pred = []float32{0.6, 0.9, 0.9, 0.9, 0.51, 0.9}
	mask = []float32{1, 0, 0, 0, 1, 0}
	m, err := MeanPSNRMasked(pred, ref, mask, s)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "MeanPSNRMasked", m, 30, 1e-3)
}
