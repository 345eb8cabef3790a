// Interpolation baselines: nearest, bilinear and bicubic upscaling with
// PyTorch's conventions, MATLAB's antialiased bicubic downsampling (the
// EDSR protocol's way of making LR images) and 2x2 average pooling (the
// lecture's way of making the MNIST upscaler's input). All are separable:
// one 1D resampling along H, then one along W, each output sample a
// weighted sum of a few input samples (its "taps").

package sr

import (
	"fmt"
	"math"

	"github.com/dlc-go/denoising/kit/data"
	"github.com/dlc-go/denoising/kit/img"
)

// Method is an interpolation method for [Upscale].
type Method int

const (
	// Nearest repeats each pixel factor x factor times (PyTorch
	// F.interpolate(mode="nearest"): source index floor(dst/factor)).
	Nearest Method = iota
	// Bilinear is PyTorch's F.interpolate(mode="bilinear",
	// align_corners=False): source coordinate u = (dst + 0.5)/factor - 0.5,
	// clamped to >= 0; taps floor(u) and floor(u)+1 (clamped to the last
	// pixel) with weights 1-t and t, t = u - floor(u).
	Bilinear
	// Bicubic is PyTorch's F.interpolate(mode="bicubic",
	// align_corners=False) and OpenCV's INTER_CUBIC: Keys' cubic
	// convolution kernel with a = -0.75, the same source coordinate as
	// Bilinear (not clamped), four taps floor(u)-1 .. floor(u)+2 whose
	// indices are clamped to the image (edge replication).
	Bicubic
	// BicubicMATLAB is MATLAB's imresize(..., 'bicubic') for upscaling:
	// Keys' kernel with a = -0.5, same source coordinate, symmetric
	// (mirror) extension at the borders. It is the "Bicubic" row of the
	// super-resolution papers (EDSR's tables).
	BicubicMATLAB
)

// Methods lists the interpolation methods in table order.
var Methods = []Method{Nearest, Bilinear, Bicubic, BicubicMATLAB}

// String returns "nearest", "bilinear", "bicubic" or "bicubic-matlab".
func (m Method) String() string {
	switch m {
	case Nearest:
		return "nearest"
	case Bilinear:
		return "bilinear"
	case Bicubic:
		return "bicubic"
	case BicubicMATLAB:
		return "bicubic-matlab"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// KeysCubic is Keys' cubic convolution kernel with parameter a:
//
//	k(x) = (a+2)|x|³ - (a+3)|x|² + 1         for |x| <= 1
//	k(x) = a|x|³ - 5a|x|² + 8a|x| - 4a       for 1 < |x| < 2
//	k(x) = 0                                 otherwise
//
// a = -0.75 is PyTorch's and OpenCV's bicubic, a = -0.5 MATLAB's (the
// only a for which the interpolant is third-order accurate). For every a
// the integer translates of k sum to 1, so constants are reproduced; only
// a = -0.5 also reproduces linear (and quadratic) functions: with a = -0.75
// a ramp of slope 1 sampled at offset t = 0.75 comes out 3/64 low.
func KeysCubic(x, a float64) float64 {
	x = math.Abs(x)
	switch {
	case x <= 1:
		return ((a+2)*x-(a+3))*x*x + 1
	case x < 2:
		return ((a*x-5*a)*x+8*a)*x - 4*a
	}
	return 0
}

// taps is a 1D resampling: output sample o is Σ_k w[o*n+k] · in[idx[o*n+k]].
type taps struct {
	out, n int
	idx    []int
	w      []float64
}

func newTaps(out, n int) *taps {
	return &taps{out: out, n: n, idx: make([]int, out*n), w: make([]float64, out*n)}
}

// weights returns the taps of output sample o: input indices and weights.
func (t *taps) weights(o int) ([]int, []float64) {
	return t.idx[o*t.n : (o+1)*t.n], t.w[o*t.n : (o+1)*t.n]
}

func clampIndex(i, n int) int { return min(max(i, 0), n-1) }

// mirrorIndex is MATLAB imresize's symmetric extension of [0, n):
// ... 1 0 | 0 1 ... n-1 | n-1 n-2 ... (period 2n).
func mirrorIndex(i, n int) int {
	p := 2 * n
	i %= p
	if i < 0 {
		i += p
	}
	if i >= n {
		i = p - 1 - i
	}
	return i
}

// upTaps returns the taps of upscaling an axis of length in by factor
// with method m.
func upTaps(m Method, in, factor int) (*taps, error) {
	out := in * factor
	f := float64(factor)
	switch m {
	case Nearest:
		t := newTaps(out, 1)
		for o := range out {
			t.idx[o], t.w[o] = o/factor, 1
		}
		return t, nil
	case Bilinear:
		t := newTaps(out, 2)
		for o := range out {
			u := max((float64(o)+0.5)/f-0.5, 0)
			i0 := int(u) // u >= 0: truncation is floor
			l := u - float64(i0)
			i1 := i0
			if i0 < in-1 {
				i1 = i0 + 1
			}
			t.idx[2*o], t.idx[2*o+1] = i0, i1
			t.w[2*o], t.w[2*o+1] = 1-l, l
		}
		return t, nil
	case Bicubic, BicubicMATLAB:
		a, index := -0.75, clampIndex
		if m == BicubicMATLAB {
			a, index = -0.5, mirrorIndex
		}
		t := newTaps(out, 4)
		for o := range out {
			u := (float64(o)+0.5)/f - 0.5
			i0 := int(math.Floor(u))
			l := u - float64(i0) // in [0, 1)
			for k := range 4 {
				t.idx[4*o+k] = index(i0-1+k, in)
				t.w[4*o+k] = KeysCubic(l+1-float64(k), a)
			}
		}
		return t, nil
	}
	return nil, fmt.Errorf("sr: unknown interpolation method %d", int(m))
}

// MATLABCubic is the kernel of MATLAB's imresize 'bicubic': [KeysCubic]
// with a = -0.5.
func MATLABCubic(x float64) float64 { return KeysCubic(x, -0.5) }

// MATLABDownTaps returns, for an axis of length in downsampled by factor
// (output length ceil(in/factor)), the taps of MATLAB's imresize 'bicubic'
// with antialiasing (its default), as in imresize's contributions():
//
//	scale  s = 1/factor,  kernel h(x) = s · k(s·x)   (k = MATLABCubic)
//	width  4/s = 4·factor
//	centre u = (o + 0.5)·factor - 0.5                (0-based output o)
//	taps   j = floor(u - 2·factor) .. + ceil(4·factor) + 1
//	weight h(u - j), normalised to sum to 1, index j mirrored into [0, in)
//
// Each output sample has len(idx)/out taps; idx and w are [out][taps]
// row-major. Taps with zero weight are kept (MATLAB drops them; the sums
// are the same).
func MATLABDownTaps(in, factor int) (idx []int, w []float64, err error) {
	t, err := matlabDownTaps(in, factor)
	if err != nil {
		return nil, nil, err
	}
	return t.idx, t.w, nil
}

func matlabDownTaps(in, factor int) (*taps, error) {
	if factor < 1 {
		return nil, fmt.Errorf("sr: downsampling factor must be >= 1, got %d", factor)
	}
	if in < 1 {
		return nil, fmt.Errorf("sr: cannot downsample an axis of length %d", in)
	}
	out := (in + factor - 1) / factor
	f := float64(factor)
	s := 1 / f
	width := 4 * f
	n := int(math.Ceil(width)) + 2
	t := newTaps(out, n)
	for o := range out {
		u := (float64(o)+0.5)*f - 0.5
		left := int(math.Floor(u - width/2))
		var sum float64
		for k := range n {
			j := left + k
			v := s * MATLABCubic(s*(u-float64(j)))
			t.idx[o*n+k] = mirrorIndex(j, in)
			t.w[o*n+k] = v
			sum += v
		}
		for k := range n {
			t.w[o*n+k] /= sum
		}
	}
	return t, nil
}

// resample applies th along H and tw along W to x: [N, H, W, C] (shape s),
// accumulating in float64. It returns [N, th.out, tw.out, C].
func resample(x []float32, s img.Shape, th, tw *taps) []float32 {
	ho, wo, c := th.out, tw.out, s.C
	// Along H: [N, H, W, C] -> [N, ho, W, C].
	mid := make([]float64, s.N*ho*s.W*c)
	row := s.W * c
	for n := range s.N {
		src := x[n*s.H*row : (n+1)*s.H*row]
		for o := range ho {
			dst := mid[(n*ho+o)*row : (n*ho+o+1)*row]
			idx, w := th.weights(o)
			for k, i := range idx {
				if w[k] == 0 {
					continue
				}
				wk := w[k]
				for q, v := range src[i*row : (i+1)*row] {
					dst[q] += wk * float64(v)
				}
			}
		}
	}
	// Along W: [N, ho, W, C] -> [N, ho, wo, C].
	out := make([]float32, s.N*ho*wo*c)
	acc := make([]float64, c)
	for r := range s.N * ho {
		src := mid[r*row : (r+1)*row]
		for o := range wo {
			clear(acc)
			idx, w := tw.weights(o)
			for k, i := range idx {
				if w[k] == 0 {
					continue
				}
				for ch := range c {
					acc[ch] += w[k] * src[i*c+ch]
				}
			}
			dst := out[(r*wo+o)*c : (r*wo+o+1)*c]
			for ch, v := range acc {
				dst[ch] = float32(v)
			}
		}
	}
	return out
}

// UpscaleBatch upscales every image of x: [N, H, W, C] (shape s, any C)
// by the integer factor with method m, returning [N, H*factor,
// W*factor, C] and its shape.
func UpscaleBatch(x []float32, s img.Shape, factor int, m Method) ([]float32, img.Shape, error) {
	if err := s.Check(len(x)); err != nil {
		return nil, img.Shape{}, fmt.Errorf("sr: UpscaleBatch: %w", err)
	}
	if factor < 1 {
		return nil, img.Shape{}, fmt.Errorf("sr: upscaling factor must be >= 1, got %d", factor)
	}
	th, err := upTaps(m, s.H, factor)
	if err != nil {
		return nil, img.Shape{}, err
	}
	tw, _ := upTaps(m, s.W, factor)
	so := img.Shape{N: s.N, H: s.H * factor, W: s.W * factor, C: s.C}
	return resample(x, s, th, tw), so, nil
}

// DownsampleBicubicBatch is [DownsampleBicubic] on every image of
// x: [N, H, W, C] (shape s): the result is [N, ceil(H/factor),
// ceil(W/factor), C].
func DownsampleBicubicBatch(x []float32, s img.Shape, factor int) ([]float32, img.Shape, error) {
	if err := s.Check(len(x)); err != nil {
		return nil, img.Shape{}, fmt.Errorf("sr: DownsampleBicubicBatch: %w", err)
	}
	th, err := matlabDownTaps(s.H, factor)
	if err != nil {
		return nil, img.Shape{}, err
	}
	tw, err := matlabDownTaps(s.W, factor)
	if err != nil {
		return nil, img.Shape{}, err
	}
	so := img.Shape{N: s.N, H: th.out, W: tw.out, C: s.C}
	return resample(x, s, th, tw), so, nil
}

// AvgPool2Batch is 2x2 average pooling (PyTorch F.avg_pool2d(x, 2)) of
// x: [N, H, W, C] (shape s): out[n, i, j, c] is the mean of the 2x2 block
// at (2i, 2j); the result is [N, H/2, W/2, C] (floors: an odd last row or
// column is dropped).
func AvgPool2Batch(x []float32, s img.Shape) ([]float32, img.Shape, error) {
	if err := s.Check(len(x)); err != nil {
		return nil, img.Shape{}, fmt.Errorf("sr: AvgPool2Batch: %w", err)
	}
	if s.H < 2 || s.W < 2 {
		return nil, img.Shape{}, fmt.Errorf("sr: AvgPool2Batch: image %dx%d is smaller than 2x2", s.H, s.W)
	}
	so := img.Shape{N: s.N, H: s.H / 2, W: s.W / 2, C: s.C}
	out := make([]float32, so.Size())
	c := s.C
	for n := range s.N {
		for i := range so.H {
			for j := range so.W {
				for ch := range c {
					p := ((n*s.H+2*i)*s.W+2*j)*c + ch
					q := p + s.W*c
					sum := float64(x[p]) + float64(x[p+c]) + float64(x[q]) + float64(x[q+c])
					out[((n*so.H+i)*so.W+j)*c+ch] = float32(sum / 4)
				}
			}
		}
	}
	return out, so, nil
}

// imageShape checks im and returns its batch-of-one shape.
func imageShape(op string, im *data.Image) (img.Shape, error) {
	if im == nil {
		return img.Shape{}, fmt.Errorf("sr: %s: nil image", op)
	}
	s := img.Shape{N: 1, H: im.H, W: im.W, C: im.C}
	if err := s.Check(len(im.Pix)); err != nil {
		return img.Shape{}, fmt.Errorf("sr: %s(%q): %w", op, im.Name, err)
	}
	return s, nil
}

func fromBatch(name string, x []float32, s img.Shape) *data.Image {
	return &data.Image{Name: name, H: s.H, W: s.W, C: s.C, Pix: x}
}

// Upscale upscales one image im: [H, W, C] (C = 1 is a [H, W] gray image)
// by the integer factor >= 1 with method m: the result is
// [H*factor, W*factor, C], with im's name. Values are not clipped (bicubic
// over- and undershoots near edges).
func Upscale(im *data.Image, factor int, m Method) (*data.Image, error) {
	s, err := imageShape("Upscale", im)
	if err != nil {
		return nil, err
	}
	y, so, err := UpscaleBatch(im.Pix, s, factor, m)
	if err != nil {
		return nil, err
	}
	return fromBatch(im.Name, y, so), nil
}

// DownsampleBicubic is MATLAB's imresize(im, 1/factor, 'bicubic') with its
// default antialiasing, the EDSR/DIV2K protocol for making low-resolution
// images: im: [H, W, C] -> [ceil(H/factor), ceil(W/factor), C] (crop im
// to multiples of factor first with [ModCrop] so that HR and LR align).
// The kernel is [MATLABCubic] (a = -0.5) stretched by factor (width
// 4·factor, height 1/factor), borders are mirrored, weights normalised to
// sum 1 (see [MATLABDownTaps]). H is resampled first, then W, as MATLAB
// does for equal scales; values are float (MATLAB rounds uint8 images).
func DownsampleBicubic(im *data.Image, factor int) (*data.Image, error) {
	s, err := imageShape("DownsampleBicubic", im)
	if err != nil {
		return nil, err
	}
	y, so, err := DownsampleBicubicBatch(im.Pix, s, factor)
	if err != nil {
		return nil, err
	}
	return fromBatch(im.Name, y, so), nil
}

// AvgPool2 is 2x2 average pooling of im: [H, W, C] -> [H/2, W/2, C] (see
// [AvgPool2Batch]).
func AvgPool2(im *data.Image) (*data.Image, error) {
	s, err := imageShape("AvgPool2", im)
	if err != nil {
		return nil, err
	}
	y, so, err := AvgPool2Batch(im.Pix, s)
	if err != nil {
		return nil, err
	}
	return fromBatch(im.Name, y, so), nil
}

// ModCrop crops im: [H, W, C] to [H - H%factor, W - W%factor, C] (top-left
// kept), as the SR benchmark code does before making the LR image. It
// returns a copy.
func ModCrop(im *data.Image, factor int) (*data.Image, error) {
	s, err := imageShape("ModCrop", im)
	if err != nil {
		return nil, err
	}
	if factor < 1 || factor > s.H || factor > s.W {
		return nil, fmt.Errorf("sr: ModCrop: factor %d must be in [1, min(H, W)] for a %dx%d image", factor, s.H, s.W)
	}
	return Crop(im, 0, 0, s.H-s.H%factor, s.W-s.W%factor)
}

// Crop returns a copy of the h x w window of im: [H, W, C] whose top-left
// pixel is (y0, x0).
func Crop(im *data.Image, y0, x0, h, w int) (*data.Image, error) {
	s, err := imageShape("Crop", im)
	if err != nil {
		return nil, err
	}
	if y0 < 0 || x0 < 0 || h < 1 || w < 1 || y0+h > s.H || x0+w > s.W {
		return nil, fmt.Errorf("sr: Crop(%q): window (%d, %d) %dx%d is outside the %dx%d image", im.Name, y0, x0, h, w, s.H, s.W)
	}
	c := s.C
	out := make([]float32, h*w*c)
	for y := range h {
		copy(out[y*w*c:(y+1)*w*c], im.Pix[((y0+y)*s.W+x0)*c:((y0+y)*s.W+x0+w)*c])
	}
	return &data.Image{Name: im.Name, H: h, W: w, C: c, Pix: out}, nil
}
