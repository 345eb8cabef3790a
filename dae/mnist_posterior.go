// The posterior problem on digits. When most of a digit is destroyed, many
// training digits agree with what is left: they are all plausible answers
// (samples, roughly, from the posterior of X given X~), and the
// MSE-optimal denoiser returns their average, a blur between them. The k
// training digits nearest to the corrupted one on the pixels that survived
// make this visible.

package dae

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/dlc-go/denoising/kit/data"
)

// Neighbours are the training images nearest to a corrupted image on its
// visible pixels, closest first.
type Neighbours struct {
	Index  []int     // [k] indices into the training set
	Dist2  []float64 // [k] squared Euclidean distances over the visible pixels
	Images []float32 // [k, H, W, C] copies of the training images (all pixels)
	Mean   []float32 // [H, W, C] pixel-wise mean of the k images
}

// NearestVisible returns the k images of train ([N, H, W, C] in [0, 1])
// closest to corrupted ([H, W, C]) in squared Euclidean distance over the
// VISIBLE pixels only: the values i with mask[i] false. mask ([H, W, C],
// true = destroyed, as returned by [Corruption.Apply] for C = 1) may be nil
// for "all visible". The destroyed pixels' values in corrupted are ignored.
// Ties are broken by the lower training index. k is capped at N. It returns
// an error for mismatched sizes, k < 1, or a mask that hides every pixel.
func NearestVisible(train *data.Set, corrupted []float32, mask []bool, k int) (*Neighbours, error) {
	if train == nil || train.Len() == 0 {
		return nil, errors.New("dae: NearestVisible: empty training set")
	}
	size := train.ImageSize()
	if len(train.Images) != train.Len()*size {
		return nil, fmt.Errorf("dae: NearestVisible: training set %q is malformed", train.Name)
	}
	if len(corrupted) != size {
		return nil, fmt.Errorf("dae: NearestVisible: corrupted image has %d values, training images [%d, %d, %d] have %d",
			len(corrupted), train.H, train.W, train.C, size)
	}
	if mask != nil && len(mask) != size {
		return nil, fmt.Errorf("dae: NearestVisible: mask has %d values, want %d", len(mask), size)
	}
	if k < 1 {
		return nil, fmt.Errorf("dae: NearestVisible: k must be >= 1, got %d", k)
	}
	visible := make([]int, 0, size)
	for i := range size {
		if mask == nil || !mask[i] {
			visible = append(visible, i)
		}
	}
	if len(visible) == 0 {
		return nil, errors.New("dae: NearestVisible: the mask hides every pixel")
	}
	type cand struct {
		i int
		d float64
	}
	k = min(k, train.Len())
	best := make([]cand, 0, k+1) // sorted by (d, i)
	for n := range train.Len() {
		im := train.Images[n*size : (n+1)*size]
		var d float64
		for _, p := range visible {
			e := float64(im[p]) - float64(corrupted[p])
			d += e * e
		}
		if len(best) == k && d >= best[k-1].d {
			continue // not better than the worst kept (equal: the lower index wins)
		}
		// Insert after every kept candidate with distance <= d: on equal
		// distances the earlier (lower) index stays first.
		pos, _ := slices.BinarySearchFunc(best, d, func(c cand, d float64) int {
			if c.d <= d {
				return -1
			}
			return 1
		})
		best = slices.Insert(best, pos, cand{n, d})
		if len(best) > k {
			best = best[:k]
		}
	}
	nb := &Neighbours{
		Index: make([]int, k), Dist2: make([]float64, k),
		Images: make([]float32, 0, k*size), Mean: make([]float32, size),
	}
	mean := make([]float64, size)
	for j, c := range best {
		nb.Index[j], nb.Dist2[j] = c.i, c.d
		im := train.Images[c.i*size : (c.i+1)*size]
		nb.Images = append(nb.Images, im...)
		for p, v := range im {
			mean[p] += float64(v)
		}
	}
	for p := range mean {
		nb.Mean[p] = float32(mean[p] / float64(k))
	}
	return nb, nil
}

// BlurComparison measures how a denoiser's output phi(x~) relates to the
// plausible clean images of a [Neighbours] set: if phi(x~) approximates the
// posterior mean, it lies closer to the neighbours' mean than to any one
// neighbour, and it is grayer (more uncertain per pixel) than each of them.
//
// Images are compared in [0, 1] units after clipping to [0, 1] (as they are
// displayed); MSEs are per pixel.
type BlurComparison struct {
	// MSEToMean is the MSE between phi(x~) and the neighbours' pixel-wise mean.
	MSEToMean float64
	// MSEToEach[j] is the MSE between phi(x~) and neighbour j ([k]).
	MSEToEach []float64
	// Closest is the index j of the neighbour with the smallest MSEToEach.
	Closest int
	// MeanToEach is the mean over j of the MSE between the neighbours' mean
	// and neighbour j: the spread of the plausible images around their mean.
	MeanToEach float64

	// Entropy of an image is the mean over its pixels of the binary entropy
	// H(v) = -v log2 v - (1-v) log2 (1-v) in bits, v clipped to [0, 1]: 0 for
	// a black-and-white image, 1 for an all-gray (0.5) one. Output is that
	// of phi(x~), Mean that of the neighbours' mean, Neighbours the mean over
	// the k neighbours of theirs.
	EntropyOutput, EntropyMean, EntropyNeighbours float64
}

// CloserToMean reports whether phi(x~) is closer (in MSE) to the
// neighbours' mean than to every single neighbour.
func (c *BlurComparison) CloserToMean() bool {
	for _, m := range c.MSEToEach {
		if !(c.MSEToMean < m) {
			return false
		}
	}
	return len(c.MSEToEach) > 0
}

// PixelEntropy is the mean binary entropy in bits of the pixels of x (any
// shape, values clipped to [0, 1]); see [BlurComparison]. It is 0 for an
// empty x.
func PixelEntropy(x []float32) float64 {
	if len(x) == 0 {
		return 0
	}
	s := 0.0
	for _, v := range x {
		p := min(max(float64(v), 0), 1)
		if p > 0 && p < 1 {
			s -= p*math.Log2(p) + (1-p)*math.Log2(1-p)
		}
	}
	return s / float64(len(x))
}

// clippedMSE is the mean of (clip(a) - clip(b))^2, a and b of equal length
// (> 0), clip to [0, 1].
func clippedMSE(a, b []float32) float64 {
	s := 0.0
	for i := range a {
		d := min(max(float64(a[i]), 0), 1) - min(max(float64(b[i]), 0), 1)
		s += d * d
	}
	return s / float64(len(a))
}

// CompareBlur compares a denoiser's output ([H, W, C], the same size as one
// neighbour image) with the neighbours nb, see [BlurComparison]. It returns
// an error for an empty nb or mismatched sizes.
func CompareBlur(output []float32, nb *Neighbours) (*BlurComparison, error) {
	if nb == nil || len(nb.Index) == 0 {
		return nil, errors.New("dae: CompareBlur: no neighbours")
	}
	k, size := len(nb.Index), len(nb.Mean)
	if size == 0 || len(output) != size || len(nb.Images) != k*size {
		return nil, fmt.Errorf("dae: CompareBlur: output has %d values, mean %d, images %d for k = %d (want [H, W, C] and [k, H, W, C])",
			len(output), size, len(nb.Images), k)
	}
	c := &BlurComparison{
		MSEToMean:     clippedMSE(output, nb.Mean),
		MSEToEach:     make([]float64, k),
		EntropyOutput: PixelEntropy(output),
		EntropyMean:   PixelEntropy(nb.Mean),
	}
	for j := range k {
		im := nb.Images[j*size : (j+1)*size]
		c.MSEToEach[j] = clippedMSE(output, im)
		if c.MSEToEach[j] < c.MSEToEach[c.Closest] {
			c.Closest = j
		}
		c.MeanToEach += clippedMSE(nb.Mean, im) / float64(k)
		c.EntropyNeighbours += PixelEntropy(im) / float64(k)
	}
	return c, nil
}
