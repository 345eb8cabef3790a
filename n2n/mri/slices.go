package mri

import (
	"fmt"
)

// Defaults of the slice images and of the train/test split of the ch2 brain.
const (
	// DefaultSize is the side of the square slice images: the 181 x 217 axial
	// slices of ch2 are zero-padded (centred) to 224 x 224, which keeps the
	// whole head (it touches the field of view's edges in the lower slices)
	// and is divisible by 32 (five 2x poolings of a U-Net).
	DefaultSize = 224
	// DefaultMinFill is the fraction of a slice's voxels that must be
	// brighter than 10% of the volume's maximum for the slice to be used;
	// it drops the near-empty top slices of ch2 (z >= ~168).
	DefaultMinFill = 0.10
	// Held-out block of axial slices: z in [DefaultTestZ0, DefaultTestZ1),
	// through the lateral ventricles and cortex. Slices are 1 mm apart and
	// neighbours look alike, so DefaultGap slices on each side of the block
	// are used for neither training nor testing.
	DefaultTestZ0 = 100
	DefaultTestZ1 = 120
	DefaultGap    = 5
)

// SliceOptions says how an axial slice becomes a square image.
type SliceOptions struct {
	// Size is the side of the output image (0: DefaultSize). The slice,
	// after downsampling, is centred and zero-padded, or centre-cropped if
	// larger.
	Size int
	// Downsample averages f x f blocks of voxels first (0 or 1: none), e.g.
	// 2 gives 90 x 108 slices for quicker experiments (with Size 112).
	Downsample int
}

// AxialSlice returns slice z of a 3-D volume as a square image
// [Size, Size] float32 (row-major), intensities mapped to [0, 1] by the
// volume's global min and max (so slices share one scale). Rows run from
// anterior (top, largest y) to posterior and columns along x, as the
// radiological display of ch2 (x = left-to-right voxel index).
func AxialSlice(v *Volume, z int, o SliceOptions) ([]float32, error) {
	lo, hi := minMax(v.Data)
	return axialSlice(v, z, o, lo, hi)
}

func axialSlice(v *Volume, z int, o SliceOptions, lo, hi float32) ([]float32, error) {
	if len(v.Dims) < 3 {
		return nil, fmt.Errorf("mri: volume has %d dims, want 3", len(v.Dims))
	}
	if z < 0 || z >= v.Dims[2] {
		return nil, fmt.Errorf("mri: slice z = %d outside [0, %d)", z, v.Dims[2])
	}
	size, f := o.Size, o.Downsample
	if size == 0 {
		size = DefaultSize
	}
	if f == 0 {
		f = 1
	}
	if size < 1 || f < 1 {
		return nil, fmt.Errorf("mri: SliceOptions %+v: Size and Downsample must be >= 0", o)
	}
	scale := float32(0)
	if hi > lo {
		scale = 1 / (hi - lo)
	}
	nx, ny := v.Dims[0], v.Dims[1]
	w, h := nx/f, ny/f // downsampled slice: [h, w]
	out := make([]float32, size*size)
	offX, offY := (size-w)/2, (size-h)/2 // negative: crop
	inv := 1 / float32(f*f)
	for r := range size {
		sr := r - offY // row of the downsampled slice
		if sr < 0 || sr >= h {
			continue
		}
		for c := range size {
			sc := c - offX
			if sc < 0 || sc >= w {
				continue
			}
			var sum float32
			for dy := range f {
				y := ny - 1 - (sr*f + dy) // row 0 = largest y (anterior)
				for dx := range f {
					sum += v.At(sc*f+dx, y, z)
				}
			}
			out[r*size+c] = (sum*inv - lo) * scale
		}
	}
	return out, nil
}

// AxialSlices stacks the slices zs: [len(zs), Size, Size] float32.
func AxialSlices(v *Volume, zs []int, o SliceOptions) ([]float32, error) {
	var out []float32
	lo, hi := minMax(v.Data)
	for _, z := range zs {
		s, err := axialSlice(v, z, o, lo, hi)
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
	return out, nil
}

// Split is a train/test split of axial slice indices z.
type Split struct {
	Train, Test []int
}

// SplitSlices keeps the slices whose fill (fraction of voxels brighter than
// 10% of the volume's maximum) is at least minFill, puts those in
// [testZ0, testZ1) in Test and those farther than gap slices from that block
// in Train.
func SplitSlices(v *Volume, testZ0, testZ1, gap int, minFill float64) (Split, error) {
	if len(v.Dims) < 3 {
		return Split{}, fmt.Errorf("mri: volume has %d dims, want 3", len(v.Dims))
	}
	nz := v.Dims[2]
	if testZ0 < 0 || testZ1 > nz || testZ0 >= testZ1 || gap < 0 {
		return Split{}, fmt.Errorf("mri: test block [%d, %d) with gap %d invalid for %d slices", testZ0, testZ1, gap, nz)
	}
	lo, hi := minMax(v.Data)
	th := lo + 0.1*(hi-lo)
	n := v.Dims[0] * v.Dims[1]
	var s Split
	for z := range nz {
		cnt := 0
		for _, a := range v.Data[z*n : (z+1)*n] {
			if a > th {
				cnt++
			}
		}
		if float64(cnt) < minFill*float64(n) {
			continue
		}
		switch {
		case z >= testZ0 && z < testZ1:
			s.Test = append(s.Test, z)
		case z < testZ0-gap || z >= testZ1+gap:
			s.Train = append(s.Train, z)
		}
	}
	if len(s.Test) == 0 || len(s.Train) == 0 {
		return s, fmt.Errorf("mri: split has %d train and %d test slices", len(s.Train), len(s.Test))
	}
	return s, nil
}

// DefaultSplit is SplitSlices(v, DefaultTestZ0, DefaultTestZ1, DefaultGap,
// DefaultMinFill). For ch2 it gives 20 test slices (z = 100..119) and the
// training slices z = 0..94 and 125..~167.
func DefaultSplit(v *Volume) (Split, error) {
	return SplitSlices(v, DefaultTestZ0, DefaultTestZ1, DefaultGap, DefaultMinFill)
}

func minMax(x []float32) (lo, hi float32) {
	if len(x) == 0 {
		return 0, 0
	}
	lo, hi = x[0], x[0]
	for _, a := range x {
		lo, hi = min(lo, a), max(hi, a)
	}
	return lo, hi
}
