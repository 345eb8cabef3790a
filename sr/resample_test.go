package sr

import (
	"math"
	"testing"

	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/img"
)

func gray(h, w int, pix ...float32) *data.Image {
	return &data.Image{Name: "t", H: h, W: w, C: 1, Pix: pix}
}

func assertClose(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i])-want[i]) > tol {
			t.Fatalf("%s: value %d = %.8g, want %.8g\n got %v", what, i, got[i], want[i], got)
		}
	}
}

// PyTorch: F.interpolate(torch.tensor([[[[1.,2],[3,4]]]]), scale_factor=2,
// mode="bilinear", align_corners=False).
func TestBilinearPyTorch2x2(t *testing.T) {
	out, err := Upscale(gray(2, 2, 1, 2, 3, 4), 2, Bilinear)
	if err != nil {
		t.Fatal(err)
	}
	if out.H != 4 || out.W != 4 || out.C != 1 {
		t.Fatalf("shape %dx%dx%d, want 4x4x1", out.H, out.W, out.C)
	}
	assertClose(t, "bilinear", out.Pix, []float64{
		1, 1.25, 1.75, 2,
		1.5, 1.75, 2.25, 2.5,
		2.5, 2.75, 3.25, 3.5,
		3, 3.25, 3.75, 4,
	}, 1e-7)
}

// Hand computation of PyTorch's bicubic (a = -0.75) on [[1,2],[3,4]] x2.
// The image is 1 + x + 2y, so out[i][j] = 1 + X[j] + 2 X[i] with X the 1D
// interpolation of [0, 1]: at u = -0.25 (floor -1, t = 0.75) the weights of
// taps -2..1 (clamped to 0,0,0,1) are k(1.75), k(0.75), k(0.25), k(1.25) =
// -0.03515625, 0.26171875, 0.87890625, -0.10546875, so X[0] = -0.10546875;
// at u = 0.25, X[1] = k(0.75) + k(1.75) = 0.2265625; X is antisymmetric
// about 0.5. Matches torch's printed [0.6836, 1.0156, 1.5625, 1.8945] row.
func TestBicubicPyTorch2x2(t *testing.T) {
	out, err := Upscale(gray(2, 2, 1, 2, 3, 4), 2, Bicubic)
	if err != nil {
		t.Fatal(err)
	}
	X := []float64{-0.10546875, 0.2265625, 0.7734375, 1.10546875}
	var want []float64
	for i := range 4 {
		for j := range 4 {
			want = append(want, 1+X[j]+2*X[i])
		}
	}
	assertClose(t, "bicubic", out.Pix, want, 1e-6)
	if math.Abs(float64(out.Pix[0])-0.68359375) > 1e-6 {
		t.Errorf("out[0][0] = %v, want 0.68359375", out.Pix[0])
	}
}

func TestKeysCubicValues(t *testing.T) {
	for _, c := range []struct{ x, a, want float64 }{
		{0, -0.75, 1}, {1, -0.75, 0}, {2, -0.75, 0}, {0.25, -0.75, 0.87890625}, {1.75, -0.75, -0.03515625},
		{0.25, -0.5, 0.8671875}, {0.75, -0.5, 0.2265625}, {1.25, -0.5, -0.0703125}, {1.75, -0.5, -0.0234375},
		{-0.25, -0.5, 0.8671875}, {3, -0.5, 0},
	} {
		if got := KeysCubic(c.x, c.a); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("KeysCubic(%v, %v) = %v, want %v", c.x, c.a, got, c.want)
		}
	}
}

func TestNearestRepeats(t *testing.T) {
	im := &data.Image{H: 2, W: 3, C: 2, Pix: []float32{1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6}}
	for _, f := range []int{1, 2, 3} {
		out, err := Upscale(im, f, Nearest)
		if err != nil {
			t.Fatal(err)
		}
		for y := range 2 * f {
			for x := range 3 * f {
				for c := range 2 {
					got := out.Pix[(y*3*f+x)*2+c]
					want := im.Pix[((y/f)*3+x/f)*2+c]
					if got != want {
						t.Fatalf("f=%d (%d,%d,%d) = %v, want %v", f, y, x, c, got, want)
					}
				}
			}
		}
	}
}

// Every method reproduces constants everywhere. Bilinear and MATLAB's
// bicubic (a = -0.5) reproduce linear ramps exactly away from the borders;
// PyTorch's bicubic (a = -0.75) does not: its first moment at fractional
// offset t is t + e(t), with e(0.75) = -3/64 (hand computation:
// k(0.75) + 2k(0.25) + 3k(1.25) = 1.703125 for taps at 0..3 around u = 1.75).
// Its error is pinned where the ramp is sampled at t = 0.75 on both axes.
func TestConstantsAndRamps(t *testing.T) {
	const h, w, c = 7, 9, 3
	cst := &data.Image{H: h, W: w, C: c, Pix: make([]float32, h*w*c)}
	ramp := &data.Image{H: h, W: w, C: c, Pix: make([]float32, h*w*c)}
	for y := range h {
		for x := range w {
			for ch := range c {
				cst.Pix[(y*w+x)*c+ch] = 0.3 + 0.1*float32(ch)
				ramp.Pix[(y*w+x)*c+ch] = float32(0.5*float64(y) - 0.25*float64(x) + float64(ch))
			}
		}
	}
	for _, m := range Methods {
		for _, f := range []int{2, 3, 4} {
			out, err := Upscale(cst, f, m)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range out.Pix {
				if want := 0.3 + 0.1*float64(i%c); math.Abs(float64(v)-want) > 1e-6 {
					t.Fatalf("%s x%d: constant not reproduced at %d: %v vs %v", m, f, i, v, want)
				}
			}
			if m == Nearest {
				continue
			}
			if m == Bicubic {
				out, err := Upscale(ramp, 2, m)
				if err != nil {
					t.Fatal(err)
				}
				// (y, x) = (4, 4) at f = 2: u = 1.75 on both axes, t = 0.75.
				want := 0.5*1.75 - 0.25*1.75 + (0.5-0.25)*(-3.0/64)
				if got := float64(out.Pix[(4*w*2+4)*c]); math.Abs(got-want) > 1e-6 {
					t.Fatalf("bicubic a=-0.75 ramp at (4,4) = %v, want %v", got, want)
				}
				continue
			}
			out, err = Upscale(ramp, f, m)
			if err != nil {
				t.Fatal(err)
			}
			// Interior: source coordinates u with floor(u)-1 >= 0 and floor(u)+2 <= n-1.
			for y := 2 * f; y < (h-2)*f; y++ {
				for x := 2 * f; x < (w-2)*f; x++ {
					uy := (float64(y)+0.5)/float64(f) - 0.5
					ux := (float64(x)+0.5)/float64(f) - 0.5
					for ch := range c {
						want := 0.5*uy - 0.25*ux + float64(ch)
						if got := float64(out.Pix[(y*w*f+x)*c+ch]); math.Abs(got-want) > 1e-5 {
							t.Fatalf("%s x%d: ramp at (%d,%d,%d) = %v, want %v", m, f, y, x, ch, got, want)
						}
					}
				}
			}
		}
	}
}

// MATLAB's imresize(x, 0.5, 'bicubic') weights: the a = -0.5 kernel
// stretched by 2, at offsets ±0.5, ±1.5, ±2.5, ±3.5 from the centre:
// 0.5·k(0.25) = 0.43359375, 0.5·k(0.75) = 0.11328125,
// 0.5·k(1.25) = -0.03515625, 0.5·k(1.75) = -0.01171875 (they already sum
// to 1 for factors 2 and 3).
func TestMATLABDownTapsFactor2(t *testing.T) {
	idx, w, err := MATLABDownTaps(16, 2)
	if err != nil {
		t.Fatal(err)
	}
	n := len(idx) / 8
	if n != 10 { // ceil(8) + 2, MATLAB's P
		t.Fatalf("taps per output %d, want 10", n)
	}
	// Output 4 is centred at input 8.5: taps 4..13.
	want := []float64{0, -0.01171875, -0.03515625, 0.11328125, 0.43359375, 0.43359375, 0.11328125, -0.03515625, -0.01171875, 0}
	for k := range n {
		if idx[4*n+k] != 4+k || math.Abs(w[4*n+k]-want[k]) > 1e-12 {
			t.Fatalf("tap %d: (%d, %v), want (%d, %v)", k, idx[4*n+k], w[4*n+k], 4+k, want[k])
		}
	}
}

func TestMATLABDownTapsSumToOne(t *testing.T) {
	for _, f := range []int{1, 2, 3, 4, 5} {
		for _, in := range []int{1, 5, 12, 13} {
			idx, w, err := MATLABDownTaps(in, f)
			if err != nil {
				t.Fatal(err)
			}
			out := (in + f - 1) / f
			n := len(w) / out
			for o := range out {
				var s float64
				for k := range n {
					s += w[o*n+k]
					if i := idx[o*n+k]; i < 0 || i >= in {
						t.Fatalf("f=%d in=%d: index %d out of range", f, in, i)
					}
				}
				if math.Abs(s-1) > 1e-12 {
					t.Fatalf("f=%d in=%d out %d: weights sum to %v", f, in, o, s)
				}
			}
		}
	}
}

// A unit impulse at index 4 of a length-8 signal, downsampled by 2: each
// output o (centre 2o + 0.5) picks the weight at offset 4 - (2o + 0.5).
func TestDownsampleImpulse(t *testing.T) {
	im := gray(1, 8, 0, 0, 0, 0, 1, 0, 0, 0)
	// Make it 2D: H = 2 identical rows (mirroring keeps rows equal).
	im = gray(2, 8, append(append([]float32{}, im.Pix...), im.Pix...)...)
	out, err := DownsampleBicubic(im, 2)
	if err != nil {
		t.Fatal(err)
	}
	if out.H != 1 || out.W != 4 {
		t.Fatalf("shape %dx%d, want 1x4", out.H, out.W)
	}
	assertClose(t, "impulse", out.Pix, []float64{-0.01171875, 0.11328125, 0.43359375, -0.03515625}, 1e-7)
}

func TestDownsampleConstantAndRamp(t *testing.T) {
	const h, w, c = 24, 30, 3
	cst := &data.Image{H: h, W: w, C: c, Pix: make([]float32, h*w*c)}
	ramp := &data.Image{H: h, W: w, C: c, Pix: make([]float32, h*w*c)}
	for i := range cst.Pix {
		cst.Pix[i] = 0.7
	}
	for y := range h {
		for x := range w {
			for ch := range c {
				ramp.Pix[(y*w+x)*c+ch] = float32(0.1*float64(y) + 0.05*float64(x) - float64(ch))
			}
		}
	}
	for _, f := range []int{2, 3, 4} {
		out, err := DownsampleBicubic(cst, f)
		if err != nil {
			t.Fatal(err)
		}
		if out.H != h/f || out.W != (w+f-1)/f {
			t.Fatalf("x1/%d: shape %dx%d", f, out.H, out.W)
		}
		for i, v := range out.Pix {
			if math.Abs(float64(v)-0.7) > 1e-6 {
				t.Fatalf("x1/%d: constant became %v at %d", f, v, i)
			}
		}
		out, err = DownsampleBicubic(ramp, f)
		if err != nil {
			t.Fatal(err)
		}
		// Interior: the stretched kernel (half-width 2f) stays inside.
		for y := range out.H {
			for x := range out.W {
				uy, ux := (float64(y)+0.5)*float64(f)-0.5, (float64(x)+0.5)*float64(f)-0.5
				if uy-2*float64(f) < 0 || ux-2*float64(f) < 0 || uy+2*float64(f) > h-1 || ux+2*float64(f) > w-1 {
					continue
				}
				for ch := range c {
					want := 0.1*uy + 0.05*ux - float64(ch)
					if got := float64(out.Pix[(y*out.W+x)*c+ch]); math.Abs(got-want) > 1e-5 {
						t.Fatalf("x1/%d ramp (%d,%d,%d) = %v, want %v", f, y, x, ch, got, want)
					}
				}
			}
		}
	}
}

func TestAvgPool2(t *testing.T) {
	x := []float32{
		1, 2, 3, 4, 9,
		5, 6, 7, 8, 9,
		0, 0, 1, 1, 9,
	}
	y, s, err := AvgPool2Batch(x, img.Shape{N: 1, H: 3, W: 5, C: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s != (img.Shape{N: 1, H: 1, W: 2, C: 1}) {
		t.Fatalf("shape %v", s)
	}
	assertClose(t, "avgpool", y, []float64{3.5, 5.5}, 0)
}

func TestResampleErrors(t *testing.T) {
	im := gray(2, 2, 1, 2, 3, 4)
	if _, err := Upscale(im, 0, Bilinear); err == nil {
		t.Error("factor 0 accepted")
	}
	if _, err := Upscale(im, 2, Method(99)); err == nil {
		t.Error("unknown method accepted")
	}
	if _, err := Upscale(gray(2, 2, 1, 2, 3), 2, Nearest); err == nil {
		t.Error("malformed image accepted")
	}
	if _, err := DownsampleBicubic(nil, 2); err == nil {
		t.Error("nil image accepted")
	}
	if _, err := AvgPool2(gray(1, 4, 1, 2, 3, 4)); err == nil {
		t.Error("1-row image pooled")
	}
	if _, err := Crop(im, 1, 1, 2, 2); err == nil {
		t.Error("crop outside accepted")
	}
	c, err := ModCrop(gray(3, 5, make([]float32, 15)...), 2)
	if err != nil || c.H != 2 || c.W != 4 {
		t.Errorf("ModCrop: %v %+v", err, c)
	}
}
