// Benchmark variants of MNIST and synthetic shape problems, after
// H. Larochelle, D. Erhan, A. Courville, J. Bergstra and Y. Bengio, "An
// empirical evaluation of deep architectures on problems with many factors of
// variation" (ICML 2007), the data sets on which Vincent et al., "Stacked
// Denoising Autoencoders" (JMLR 2010, section 8 and table 3) compare SDAE
// with SAA, DBN and SVMs:
//
//   - rot (mnist-rot): each digit rotated by an angle uniform in [0, 2 pi);
//   - bg-rand (mnist-back-rand): the background replaced by uniform noise;
//   - bg-img (mnist-back-image): the background taken from a random patch of
//     a natural photo;
//   - bg-img-rot (mnist-rot-back-image): rotated digit over a photo patch;
//   - rect: a white rectangle outline on black, label 1 when tall
//     (height > width), 0 when wide; rect-img: the rectangle filled with one
//     photo patch over another patch;
//   - convex: a white region, label 1 when convex, 0 when not.
//
// The originals were downloaded files; here every variant is regenerated,
// deterministically for a seed, from MNIST digits (the caller loads them, e.g.
// with kit/data.MNIST) and, for the image backgrounds, from patches of the
// natural photos kit/data ships (kit/data.Patches, or PatchesFromImages).
// The details Larochelle et al. leave open are fixed in each generator's
// doc comment.
//
// Layout: every image is Side x Side = 28 x 28 float32 in [0, 1], row-major
// (pixel (y, x) of image i at [i*784 + y*28 + x]); n images form [n, 28, 28],
// which is also [n, 28, 28, 1] as used by kit/data.Set.
//
// Determinism: image i of Generate(n, seed) is drawn from its own stream,
// math/rand/v2's PCG seeded with (seed, i), so the first m images of
// Generate(n, seed) are those of Generate(m, seed).

package sdae

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dlc-go/denoising/kit/data"
)

// Side is the height and width of every variant image (MNIST's 28).
const Side = 28

// pixels is the number of values per image, Side * Side.
const pixels = Side * Side

// Digits are the source MNIST digits of the digit variants: Images
// [N, 28, 28] float32 in [0, 1], Labels [N] in 0..9.
type Digits struct {
	Images []float32 // [N, 28, 28]
	Labels []int     // [N]
}

// DigitsFromSet wraps an MNIST-like data.Set ([N, 28, 28, 1], labelled)
// without copying.
func DigitsFromSet(s *data.Set) (Digits, error) {
	if s == nil {
		return Digits{}, fmt.Errorf("sdae.DigitsFromSet: nil set")
	}
	if s.H != Side || s.W != Side || s.C != 1 {
		return Digits{}, fmt.Errorf("sdae.DigitsFromSet: set %q is [N, %d, %d, %d], want [N, 28, 28, 1]", s.Name, s.H, s.W, s.C)
	}
	if s.Labels == nil {
		return Digits{}, fmt.Errorf("sdae.DigitsFromSet: set %q has no labels", s.Name)
	}
	d := Digits{Images: s.Images, Labels: s.Labels}
	return d, d.check()
}

// Len returns N, the number of digits.
func (d Digits) Len() int { return len(d.Labels) }

// check verifies that Images is [N, 28, 28] with N = len(Labels) > 0.
func (d Digits) check() error {
	if len(d.Labels) == 0 {
		return fmt.Errorf("sdae: no source digits")
	}
	if len(d.Images) != len(d.Labels)*pixels {
		return fmt.Errorf("sdae: %d digit values for %d labels, want %d x 28 x 28 = %d",
			len(d.Images), len(d.Labels), len(d.Labels), len(d.Labels)*pixels)
	}
	return nil
}

// imageRNG returns the random stream of image i: PCG seeded with (seed, i).
func imageRNG(seed uint64, i int) *rand.Rand { return rand.New(rand.NewPCG(seed, uint64(i))) }

// checkN validates the number of images requested.
func checkN(n int) error {
	if n < 1 {
		return fmt.Errorf("sdae: number of images n = %d, want >= 1", n)
	}
	return nil
}

// PatchSource draws one background patch, [28 * 28] float32 in [0, 1]
// (row-major), from the random stream it is given. Generators call it with
// the image's own stream, so a deterministic source gives deterministic data
// sets. The returned slice is only read.
type PatchSource func(rng *rand.Rand) ([]float32, error)

// PatchesFromSlice returns a source that draws uniformly among the given
// patches: [P, 28, 28] float32 (not copied).
func PatchesFromSlice(patches []float32) (PatchSource, error) {
	if len(patches) == 0 || len(patches)%pixels != 0 {
		return nil, fmt.Errorf("sdae.PatchesFromSlice: %d values is not a positive multiple of 28 x 28", len(patches))
	}
	p := len(patches) / pixels
	return func(rng *rand.Rand) ([]float32, error) {
		k := rng.IntN(p)
		return patches[k*pixels : (k+1)*pixels : (k+1)*pixels], nil
	}, nil
}

// PatchesFromSet returns a source that draws uniformly among the images of a
// gray data.Set of 28 x 28 patches ([P, 28, 28, 1], e.g. from data.Patches).
func PatchesFromSet(s *data.Set) (PatchSource, error) {
	if s == nil || s.H != Side || s.W != Side || s.C != 1 {
		return nil, fmt.Errorf("sdae.PatchesFromSet: need a [P, 28, 28, 1] set, got %v", s)
	}
	return PatchesFromSlice(s.Images)
}

// PatchesFromImages returns a source that crops a uniformly placed 28 x 28
// patch from an image chosen uniformly among gray photos (C = 1, at least
// 28 x 28), redrawing patches whose pixel standard deviation is below minStd
// (Larochelle et al. discarded patches with little texture, i.e. low variance).
// After 1000 rejected draws it returns an error.
func PatchesFromImages(images []*data.Image, minStd float32) (PatchSource, error) {
	if len(images) == 0 {
		return nil, fmt.Errorf("sdae.PatchesFromImages: no images")
	}
	for _, im := range images {
		if im == nil || im.C != 1 || im.H < Side || im.W < Side || len(im.Pix) != im.H*im.W {
			return nil, fmt.Errorf("sdae.PatchesFromImages: every image must be gray (C = 1), at least 28 x 28 and well-formed")
		}
	}
	if !(minStd >= 0) {
		return nil, fmt.Errorf("sdae.PatchesFromImages: minStd = %g, want >= 0", minStd)
	}
	return func(rng *rand.Rand) ([]float32, error) {
		out := make([]float32, pixels)
		for range 1000 {
			im := images[rng.IntN(len(images))]
			y0, x0 := rng.IntN(im.H-Side+1), rng.IntN(im.W-Side+1)
			for y := range Side {
				copy(out[y*Side:(y+1)*Side], im.Pix[(y0+y)*im.W+x0:])
			}
			if std(out) >= float64(minStd) {
				return out, nil
			}
		}
		return nil, fmt.Errorf("sdae.PatchesFromImages: 1000 patches in a row had std < %g", minStd)
	}, nil
}

// std returns the population standard deviation of xs.
func std(xs []float32) float64 {
	var m float64
	for _, x := range xs {
		m += float64(x)
	}
	m /= float64(len(xs))
	var v float64
	for _, x := range xs {
		v += (float64(x) - m) * (float64(x) - m)
	}
	return math.Sqrt(v / float64(len(xs)))
}
