package data

import (
	"fmt"

	"github.com/gomlx/gomlx/core/tensors"
)

// Set is an in-memory image data set: N images of H x W pixels with C
// channels, as float32 in [0, 1], with optional integer class labels.
//
// Images is row-major with shape [N, H, W, C] (NHWC, the layout GoMLX's
// convolutions use by default): pixel (n, y, x, c) is at
// Images[((n*H+y)*W+x)*C+c]. Labels, when present, has shape [N] with values
// in [0, NumClasses).
//
// The fields are exported for reading; use NewSet to build a Set so that its
// invariants (len(Images) == N*H*W*C, len(Labels) == N, labels in range) are
// checked. The methods check them again and return an error when broken.
type Set struct {
	// Name describes the set, e.g. "mnist/train".
	Name string
	// H, W, C are the height, width and number of channels of every image.
	H, W, C int
	// Images: [N, H, W, C] float32 in [0, 1], row-major.
	Images []float32
	// Labels: [N] class indices in [0, NumClasses), or nil for unlabelled sets.
	Labels []int
	// NumClasses is the number of classes (10 for MNIST), 0 when unlabelled.
	NumClasses int
}

// NewSet wraps images ([N, H, W, C] row-major) and labels ([N], or nil for an
// unlabelled set) in a Set without copying them. It checks that the sizes
// agree and that every label is in [0, numClasses). Pixel values are not
// checked (they are meant to be in [0, 1]).
func NewSet(name string, images []float32, labels []int, numClasses, h, w, c int) (*Set, error) {
	s := &Set{Name: name, H: h, W: w, C: c, Images: images, Labels: labels, NumClasses: numClasses}
	if err := s.check(); err != nil {
		return nil, err
	}
	if labels != nil {
		for i, l := range labels {
			if l < 0 || l >= numClasses {
				return nil, fmt.Errorf("data.NewSet(%q): label #%d is %d, outside [0, %d)", name, i, l, numClasses)
			}
		}
	}
	return s, nil
}

// check verifies the size invariants of s.
func (s *Set) check() error {
	if s == nil {
		return fmt.Errorf("data: nil *Set")
	}
	if s.H <= 0 || s.W <= 0 || s.C <= 0 {
		return fmt.Errorf("data.Set %q: image shape [H=%d, W=%d, C=%d] must be positive", s.Name, s.H, s.W, s.C)
	}
	size := s.H * s.W * s.C
	if len(s.Images)%size != 0 {
		return fmt.Errorf("data.Set %q: len(Images)=%d is not a multiple of H*W*C=%d", s.Name, len(s.Images), size)
	}
	n := len(s.Images) / size
	if s.Labels != nil {
		if len(s.Labels) != n {
			return fmt.Errorf("data.Set %q: %d labels for %d images", s.Name, len(s.Labels), n)
		}
		if s.NumClasses <= 0 {
			return fmt.Errorf("data.Set %q: labelled set needs NumClasses > 0, got %d", s.Name, s.NumClasses)
		}
	}
	return nil
}

// Len returns N, the number of images (0 for a nil or malformed Set).
func (s *Set) Len() int {
	if s == nil || s.H <= 0 || s.W <= 0 || s.C <= 0 {
		return 0
	}
	return len(s.Images) / (s.H * s.W * s.C)
}

// ImageSize returns H*W*C, the number of float32 values per image.
func (s *Set) ImageSize() int { return s.H * s.W * s.C }

// Shape returns [N, H, W, C].
func (s *Set) Shape() []int { return []int{s.Len(), s.H, s.W, s.C} }

// String describes the set, e.g. "mnist/train: [60000 28 28 1] float32, 10 classes".
func (s *Set) String() string {
	if s == nil {
		return "<nil data.Set>"
	}
	str := fmt.Sprintf("%s: %v float32", s.Name, s.Shape())
	if s.Labels != nil {
		str += fmt.Sprintf(", %d classes", s.NumClasses)
	}
	return str
}

// Image returns image i as a view (not a copy) into Images: [H, W, C] float32.
func (s *Set) Image(i int) ([]float32, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if i < 0 || i >= s.Len() {
		return nil, fmt.Errorf("data.Set %q: image index %d out of range [0, %d)", s.Name, i, s.Len())
	}
	size := s.ImageSize()
	return s.Images[i*size : (i+1)*size : (i+1)*size], nil
}

// Slice returns images [from, to) as a new Set that shares memory with s
// (writes to one show in the other). Use Subset for a copy.
func (s *Set) Slice(from, to int) (*Set, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if from < 0 || to > s.Len() || from > to {
		return nil, fmt.Errorf("data.Set %q: Slice(%d, %d) out of range for %d images", s.Name, from, to, s.Len())
	}
	size := s.ImageSize()
	out := *s
	out.Name = fmt.Sprintf("%s[%d:%d]", s.Name, from, to)
	out.Images = s.Images[from*size : to*size : to*size]
	if s.Labels != nil {
		out.Labels = s.Labels[from:to:to]
	}
	return &out, nil
}

// Subset returns a new Set holding copies of the images (and labels) at the
// given indices, in that order; indices may repeat.
func (s *Set) Subset(indices []int) (*Set, error) {
	images, labels, err := s.Batch(indices)
	if err != nil {
		return nil, err
	}
	out := *s
	out.Name = fmt.Sprintf("%s(subset of %d)", s.Name, len(indices))
	out.Images, out.Labels = images, labels
	return &out, nil
}

// Batch copies the images at indices into a new slice, [len(indices), H, W, C]
// row-major, and their labels into a new [len(indices)] slice (nil when the
// set has no labels).
func (s *Set) Batch(indices []int) (images []float32, labels []int, err error) {
	if err := s.check(); err != nil {
		return nil, nil, err
	}
	n, size := s.Len(), s.ImageSize()
	images = make([]float32, len(indices)*size)
	if s.Labels != nil {
		labels = make([]int, len(indices))
	}
	for j, i := range indices {
		if i < 0 || i >= n {
			return nil, nil, fmt.Errorf("data.Set %q: batch index #%d is %d, out of range [0, %d)", s.Name, j, i, n)
		}
		copy(images[j*size:(j+1)*size], s.Images[i*size:(i+1)*size])
		if labels != nil {
			labels[j] = s.Labels[i]
		}
	}
	return images, labels, nil
}

// LabelCounts returns how many images carry each label: [NumClasses] ints
// (nil for an unlabelled set).
func (s *Set) LabelCounts() []int {
	if s == nil || s.Labels == nil || s.NumClasses <= 0 {
		return nil
	}
	counts := make([]int, s.NumClasses)
	for _, l := range s.Labels {
		if l >= 0 && l < s.NumClasses {
			counts[l]++
		}
	}
	return counts
}

// ToTensor copies all images into a new tensor of shape [N, H, W, C] float32.
func (s *Set) ToTensor() (*tensors.Tensor, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return tensors.FromFlatDataAndDimensions(s.Images, s.Shape()...), nil
}

// LabelsTensor copies the labels into a new tensor of shape [N] int32; it is
// an error for an unlabelled set.
func (s *Set) LabelsTensor() (*tensors.Tensor, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if s.Labels == nil {
		return nil, fmt.Errorf("data.Set %q has no labels", s.Name)
	}
	return tensors.FromFlatDataAndDimensions(toInt32(s.Labels), len(s.Labels)), nil
}

// toInt32 converts labels for tensors (int32 is what GoMLX's sparse
// categorical losses and metrics expect).
func toInt32(xs []int) []int32 {
	out := make([]int32, len(xs))
	for i, x := range xs {
		out[i] = int32(x)
	}
	return out
}
