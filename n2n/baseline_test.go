package n2n

import (
	"math"
	"slices"
	"testing"

	"github.com/dlc-go/denoising/kit/img"
)

func TestGaussianKernel(t *testing.T) {
	for _, sigma := range []float64{0.3, 1, 2.5} {
		k, err := GaussianKernel(sigma)
		if err != nil {
			t.Fatal(err)
		}
		var s float64
		for _, v := range k {
			s += v
		}
		if math.Abs(s-1) > 1e-12 || len(k) != 2*int(math.Ceil(3*sigma))+1 {
			t.Errorf("sigma %g: sum %g, len %d", sigma, s, len(k))
		}
		r := len(k) / 2
		if k[r-1] != k[r+1] || k[r] <= k[r+1] {
			t.Errorf("sigma %g: kernel not symmetric and peaked: %v", sigma, k)
		}
	}
	if _, err := GaussianKernel(0); err == nil {
		t.Error("sigma 0: no error")
	}
}

func TestBlurConstantAndImpulse(t *testing.T) {
	const h, w, c = 9, 11, 2
	src := constImage(h*w*c, 0.37)
	dst := make([]float32, len(src))
	if err := GaussianBlur(dst, src, h, w, c, 1.5); err != nil {
		t.Fatal(err)
	}
	for i, v := range dst {
		if math.Abs(float64(v-0.37)) > 1e-6 {
			t.Fatalf("blur of a constant: dst[%d] = %g", i, v)
		}
	}
	// A unit impulse in the middle becomes the outer product of the kernel.
	src = make([]float32, h*w*c)
	src[(4*w+5)*c+1] = 1
	GaussianBlur(dst, src, h, w, c, 1)
	k, _ := GaussianKernel(1)
	r := len(k) / 2
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			got := float64(dst[((4+dy)*w+5+dx)*c+1])
			if want := k[dy+r] * k[dx+r]; math.Abs(got-want) > 1e-6 {
				t.Errorf("impulse response (%d, %d) = %g, want %g", dy, dx, got, want)
			}
		}
	}
	if dst[(4*w+5)*c] != 0 {
		t.Error("blur leaked across channels")
	}
}

func TestMedianFilter(t *testing.T) {
	const h, w, c = 7, 7, 1
	src := constImage(h*w*c, 0.2)
	src[3*w+3] = 1 // isolated impulse
	src[0] = 0.9   // impulse in a corner (reflected border)
	dst := make([]float32, len(src))
	if err := MedianFilter(dst, src, h, w, c, 1); err != nil {
		t.Fatal(err)
	}
	for i, v := range dst {
		if v != 0.2 {
			t.Fatalf("median filter left %g at %d", v, i)
		}
	}
	// Hand-computed 3x3 median at the centre of a ramp: values 0..8 -> 4.
	ramp := make([]float32, 9)
	for i := range ramp {
		ramp[i] = float32(i)
	}
	out := make([]float32, 9)
	MedianFilter(out, ramp, 3, 3, 1, 1)
	if out[4] != 4 {
		t.Errorf("median of 0..8 = %g, want 4", out[4])
	}
	MedianFilter(out, ramp, 3, 3, 1, 0)
	if !slices.Equal(out, ramp) {
		t.Error("radius 0 should copy")
	}
	if err := MedianFilter(out, ramp, 3, 3, 1, -1); err == nil {
		t.Error("negative radius: no error")
	}
}

// On piecewise-constant images with impulse noise the median filter wins
// and a radius > 0 is chosen; on a smooth image with Gaussian noise the blur
// picks sigma >= 1.
func TestTuneBaseline(t *testing.T) {
	s := img.Shape{N: 4, H: 32, W: 32, C: 1}
	clean := make([]float32, s.Size())
	for i := range clean {
		x, y := i%s.W, (i/s.W)%s.H
		clean[i] = float32(0.2 + 0.6*float64((x/8+y/8)%2)) // 8x8 checkerboard
	}
	noisy := make([]float32, len(clean))
	if _, err := ApplyBatch(Impulse{P: 0.2}, noisy, clean, s.N, s.H, s.W, s.C, newRNG(11)); err != nil {
		t.Fatal(err)
	}
	med, err := TuneBaseline(MedianBaseline, noisy, clean, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	blur, err := TuneBaseline(BlurBaseline, noisy, clean, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("impulse p=0.2: median r=%g %.2f dB, blur sigma=%g %.2f dB (noisy %.2f dB)", med.Param, med.PSNR, blur.Param, blur.PSNR, med.PSNRs[0])
	if med.Param < 1 || med.PSNR < med.PSNRs[0]+5 || med.PSNR <= blur.PSNR {
		t.Errorf("median: %+v, blur: %+v", med, blur)
	}
	if slices.Max(med.PSNRs) != med.PSNR {
		t.Error("PSNR is not the max of PSNRs")
	}
	// A smooth image: the blur averages the noise away at little cost.
	for i := range clean {
		x, y := float64(i%s.W), float64((i/s.W)%s.H)
		clean[i] = float32(0.5 + 0.3*math.Sin(2*math.Pi*x/32)*math.Cos(2*math.Pi*y/32))
	}
	if _, err := ApplyBatch(Gaussian{Sigma: 0.1}, noisy, clean, s.N, s.H, s.W, s.C, newRNG(12)); err != nil {
		t.Fatal(err)
	}
	blur, err = TuneBaseline(BlurBaseline, noisy, clean, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gaussian sigma=0.1: blur sigma=%g %.2f dB (noisy %.2f dB)", blur.Param, blur.PSNR, blur.PSNRs[0])
	if blur.Param < 1 || blur.PSNR < blur.PSNRs[0]+5 {
		t.Errorf("gaussian noise, blur: %+v", blur)
	}
	if _, err := TuneBaseline(MedianBaseline, noisy, clean, s, []float64{0.5}); err == nil {
		t.Error("non-integer radius: no error")
	}
	if _, err := TuneBaseline(BlurBaseline, noisy[1:], clean, s, nil); err == nil {
		t.Error("wrong size: no error")
	}
}
