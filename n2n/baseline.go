// Classic baselines a learned denoiser must beat: a Gaussian blur and a
// median filter, each with one parameter tuned for PSNR on a training set.
// The blur is the linear (L2-flavoured) smoother; the median filter is the
// robust one that removes impulses and thin text strokes.

package n2n

import (
	"fmt"
	"math"
	"slices"

	"github.com/dlc-go/denoising/kit/img"
)

// GaussianKernel returns the normalised 1-D Gaussian kernel of standard
// deviation sigma > 0 (pixels), truncated at radius ceil(3 sigma):
// result [2r+1], sum 1, k[i] proportional to exp(-(i-r)^2 / (2 sigma^2)).
func GaussianKernel(sigma float64) ([]float64, error) {
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return nil, fmt.Errorf("n2n: GaussianKernel: sigma must be finite and > 0, got %g", sigma)
	}
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	var s float64
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		s += k[i]
	}
	for i := range k {
		k[i] /= s
	}
	return k, nil
}

// reflect maps an index outside [0, n) back inside by mirror reflection
// without repeating the edge (… 2 1 | 0 1 2 … n-1 | n-2 …).
func reflect(i, n int) int {
	if n == 1 {
		return 0
	}
	period := 2 * (n - 1)
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - i
	}
	return i
}

// GaussianBlur writes the Gaussian blur of src into dst, both x: [H, W, C]
// float32 (channels blurred independently), with the separable kernel of
// [GaussianKernel] and mirror-reflected borders. sigma = 0 copies the image.
// dst and src must not overlap.
func GaussianBlur(dst, src []float32, h, w, c int, sigma float64) error {
	if err := checkImage(dst, src, h, w, c); err != nil {
		return err
	}
	if sigma == 0 {
		copy(dst, src)
		return nil
	}
	k, err := GaussianKernel(sigma)
	if err != nil {
		return err
	}
	r := len(k) / 2
	tmp := make([]float64, len(src))
	for y := range h { // horizontal pass
		for x := range w {
			for ch := range c {
				var s float64
				for j, kj := range k {
					s += kj * float64(src[(y*w+reflect(x+j-r, w))*c+ch])
				}
				tmp[(y*w+x)*c+ch] = s
			}
		}
	}
	for y := range h { // vertical pass
		for x := range w {
			for ch := range c {
				var s float64
				for j, kj := range k {
					s += kj * tmp[(reflect(y+j-r, h)*w+x)*c+ch]
				}
				dst[(y*w+x)*c+ch] = float32(s)
			}
		}
	}
	return nil
}

// MedianFilter writes the median filter of src into dst, both x: [H, W, C]
// float32: each value is the median over the (2 radius + 1)^2 square window
// of its channel, with mirror-reflected borders (the window always has an
// odd number of values). radius = 0 copies the image. dst and src must not
// overlap.
func MedianFilter(dst, src []float32, h, w, c int, radius int) error {
	if err := checkImage(dst, src, h, w, c); err != nil {
		return err
	}
	if radius < 0 {
		return fmt.Errorf("n2n: MedianFilter: radius must be >= 0, got %d", radius)
	}
	win := make([]float32, 0, (2*radius+1)*(2*radius+1))
	for y := range h {
		for x := range w {
			for ch := range c {
				win = win[:0]
				for dy := -radius; dy <= radius; dy++ {
					yy := reflect(y+dy, h)
					for dx := -radius; dx <= radius; dx++ {
						win = append(win, src[(yy*w+reflect(x+dx, w))*c+ch])
					}
				}
				slices.Sort(win)
				dst[(y*w+x)*c+ch] = win[len(win)/2]
			}
		}
	}
	return nil
}

// BaselineMethod names a classic denoiser with one parameter.
type BaselineMethod int

const (
	// BlurBaseline is [GaussianBlur]; its parameter is sigma (pixels).
	BlurBaseline BaselineMethod = iota
	// MedianBaseline is [MedianFilter]; its parameter is the radius (an integer).
	MedianBaseline
)

// String names the method ("gaussian-blur", "median").
func (m BaselineMethod) String() string {
	switch m {
	case BlurBaseline:
		return "gaussian-blur"
	case MedianBaseline:
		return "median"
	}
	return fmt.Sprintf("BaselineMethod(%d)", int(m))
}

// DefaultGrid is the parameter grid [TuneBaseline] searches when given
// none: sigma in {0, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3} for the blur and
// radius in {0, 1, 2, 3} for the median (0 is "no filtering").
func (m BaselineMethod) DefaultGrid() []float64 {
	if m == MedianBaseline {
		return []float64{0, 1, 2, 3}
	}
	return []float64{0, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3}
}

// Denoise applies the method with parameter param to every image of a
// batch src: [N, H, W, C] described by s, into dst: [N, H, W, C].
func (m BaselineMethod) Denoise(dst, src []float32, s img.Shape, param float64) error {
	if err := s.Check(len(src)); err != nil {
		return err
	}
	if err := s.Check(len(dst)); err != nil {
		return err
	}
	size := s.ImageSize()
	for i := range s.N {
		d, x := dst[i*size:(i+1)*size], src[i*size:(i+1)*size]
		var err error
		switch m {
		case BlurBaseline:
			err = GaussianBlur(d, x, s.H, s.W, s.C, param)
		case MedianBaseline:
			if param < 0 || param != math.Trunc(param) {
				return fmt.Errorf("n2n: median radius must be a non-negative integer, got %g", param)
			}
			err = MedianFilter(d, x, s.H, s.W, s.C, int(param))
		default:
			return fmt.Errorf("n2n: unknown baseline method %d", int(m))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// TuneResult is the outcome of [TuneBaseline].
type TuneResult struct {
	Method BaselineMethod
	Param  float64   // the best parameter
	PSNR   float64   // its mean PSNR (dB) on the training set
	Grid   []float64 // the parameters tried
	PSNRs  []float64 // mean PSNR (dB) of each, [len(Grid)]
}

// TuneBaseline chooses the parameter of method that maximises the mean
// PSNR (kit/img's default protocol: prediction clipped to [0, 1], mean over
// images) of the denoised noisy images against the clean ones, both
// [N, H, W, C] described by s, by trying every value of grid (nil: the
// method's [BaselineMethod.DefaultGrid]). Ties keep the first value.
func TuneBaseline(method BaselineMethod, noisy, clean []float32, s img.Shape, grid []float64) (TuneResult, error) {
	if err := s.Check(len(noisy)); err != nil {
		return TuneResult{}, fmt.Errorf("n2n: TuneBaseline: noisy: %w", err)
	}
	if err := s.Check(len(clean)); err != nil {
		return TuneResult{}, fmt.Errorf("n2n: TuneBaseline: clean: %w", err)
	}
	if grid == nil {
		grid = method.DefaultGrid()
	}
	if len(grid) == 0 {
		return TuneResult{}, fmt.Errorf("n2n: TuneBaseline: empty grid")
	}
	res := TuneResult{Method: method, Grid: slices.Clone(grid), PSNRs: make([]float64, len(grid)), PSNR: math.Inf(-1)}
	out := make([]float32, len(noisy))
	for i, p := range grid {
		if err := method.Denoise(out, noisy, s, p); err != nil {
			return TuneResult{}, fmt.Errorf("n2n: TuneBaseline: %s(%g): %w", method, p, err)
		}
		psnr, err := img.MeanPSNR(out, clean, s)
		if err != nil {
			return TuneResult{}, fmt.Errorf("n2n: TuneBaseline: %w", err)
		}
		res.PSNRs[i] = psnr
		if psnr > res.PSNR {
			res.PSNR, res.Param = psnr, p
		}
	}
	if math.IsInf(res.PSNR, -1) {
		return res, fmt.Errorf("n2n: TuneBaseline: no parameter gave a PSNR above -Inf (NaN in the images?)")
	}
	return res, nil
}
