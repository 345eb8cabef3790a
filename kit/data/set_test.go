package data

import (
	"reflect"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
)

// tinySet: 5 images 2x3x1 where pixel k of image i is i + k/10, labels i%3.
func tinySet(t *testing.T) *Set {
	t.Helper()
	images := make([]float32, 5*6)
	labels := make([]int, 5)
	for i := range 5 {
		for k := range 6 {
			images[i*6+k] = float32(i) + float32(k)/10
		}
		labels[i] = i % 3
	}
	s, err := NewSet("tiny", images, labels, 3, 2, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewSetChecks(t *testing.T) {
	if _, err := NewSet("x", make([]float32, 7), nil, 0, 2, 3, 1); err == nil {
		t.Error("7 values for 2x3 images: no error")
	}
	if _, err := NewSet("x", make([]float32, 12), []int{0}, 3, 2, 3, 1); err == nil {
		t.Error("1 label for 2 images: no error")
	}
	if _, err := NewSet("x", make([]float32, 12), []int{0, 3}, 3, 2, 3, 1); err == nil {
		t.Error("label 3 of 3 classes: no error")
	}
	if _, err := NewSet("x", make([]float32, 12), nil, 0, 0, 3, 1); err == nil {
		t.Error("H=0: no error")
	}
}

func TestSetMethods(t *testing.T) {
	s := tinySet(t)
	if s.Len() != 5 || !reflect.DeepEqual(s.Shape(), []int{5, 2, 3, 1}) {
		t.Fatalf("Len %d Shape %v", s.Len(), s.Shape())
	}
	if got := s.LabelCounts(); !reflect.DeepEqual(got, []int{2, 2, 1}) {
		t.Errorf("LabelCounts %v, want [2 2 1]", got)
	}
	img, err := s.Image(3)
	if err != nil || len(img) != 6 || img[0] != 3 || img[5] != 3.5 {
		t.Errorf("Image(3) = %v, %v", img, err)
	}
	for _, i := range []int{-1, 5} {
		if _, err := s.Image(i); err == nil {
			t.Errorf("Image(%d): no error", i)
		}
	}

	// Slice shares memory.
	sl, err := s.Slice(1, 3)
	if err != nil || sl.Len() != 2 || !reflect.DeepEqual(sl.Labels, []int{1, 2}) {
		t.Fatalf("Slice(1,3) = %v, %v", sl, err)
	}
	sl.Images[0] = -1
	if s.Images[6] != -1 {
		t.Error("Slice does not share memory")
	}
	s.Images[6] = 1
	for _, r := range [][2]int{{-1, 2}, {3, 2}, {0, 6}} {
		if _, err := s.Slice(r[0], r[1]); err == nil {
			t.Errorf("Slice(%d, %d): no error", r[0], r[1])
		}
	}

	// Subset and Batch copy, in the order given.
	sub, err := s.Subset([]int{4, 0, 4})
	if err != nil || sub.Len() != 3 || !reflect.DeepEqual(sub.Labels, []int{1, 0, 1}) {
		t.Fatalf("Subset = %v, %v", sub, err)
	}
	if sub.Images[0] != 4 || sub.Images[6] != 0 || sub.Images[17] != 4.5 {
		t.Errorf("Subset images %v", sub.Images)
	}
	sub.Images[6] = 99
	if s.Images[0] != 0 {
		t.Error("Subset shares memory")
	}
	if _, _, err := s.Batch([]int{0, 5}); err == nil {
		t.Error("Batch with index 5 of 5: no error")
	}

	// Tensors.
	tt, err := s.ToTensor()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tt.Shape().Dimensions, []int{5, 2, 3, 1}) ||
		!slices.Equal(tensors.MustCopyFlatData[float32](tt), s.Images) {
		t.Errorf("ToTensor: %s", tt.Shape())
	}
	lt, err := s.LabelsTensor()
	if err != nil || !slices.Equal(tensors.MustCopyFlatData[int32](lt), []int32{0, 1, 2, 0, 1}) {
		t.Errorf("LabelsTensor: %v", err)
	}
}

func TestPermutation(t *testing.T) {
	p := Permutation(100, 7, 0)
	sorted := slices.Sorted(slices.Values(p))
	for i, v := range sorted {
		if v != i {
			t.Fatalf("not a permutation: %v", p)
		}
	}
	if !slices.Equal(p, Permutation(100, 7, 0)) {
		t.Error("same seed and epoch, different permutation")
	}
	if slices.Equal(p, Permutation(100, 8, 0)) || slices.Equal(p, Permutation(100, 7, 1)) {
		t.Error("different seed or epoch, same permutation")
	}
	// Uniformity: where element 0 lands over 4000 permutations of 4 follows a
	// uniform law. Chi-square with 3 degrees of freedom: P(X > 16.27) = 0.001.
	var counts [4]float64
	const trials = 4000
	for e := range trials {
		counts[slices.Index(Permutation(4, 1, e), 0)]++
	}
	chi2 := 0.0
	for _, c := range counts {
		chi2 += (c - trials/4) * (c - trials/4) / (trials / 4)
	}
	if chi2 > 16.27 {
		t.Errorf("position counts %v, chi2 = %.1f > 16.27", counts, chi2)
	}
}

func TestBatcher(t *testing.T) {
	s := tinySet(t)
	if _, err := NewBatcher(s, BatchConfig{BatchSize: 0}); err == nil {
		t.Error("BatchSize 0: no error")
	}
	if _, err := NewBatcher(s, BatchConfig{BatchSize: 6, DropLast: true}); err == nil {
		t.Error("BatchSize 6 > 5 with DropLast: no error")
	}
	collect := func(b *Batcher, epoch int) (sizes []int, firsts []float32, labels []int) {
		for images, ls := range b.Epoch(epoch) {
			sizes = append(sizes, len(images)/6)
			for j := 0; j < len(images); j += 6 {
				firsts = append(firsts, images[j]) // first pixel = image index
			}
			labels = append(labels, ls...)
		}
		return
	}

	// In order, keeping the partial last batch.
	b, err := NewBatcher(s, BatchConfig{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	sizes, firsts, labels := collect(b, 0)
	if b.BatchesPerEpoch() != 3 || !slices.Equal(sizes, []int{2, 2, 1}) ||
		!slices.Equal(firsts, []float32{0, 1, 2, 3, 4}) || !slices.Equal(labels, []int{0, 1, 2, 0, 1}) {
		t.Errorf("ordered: sizes %v firsts %v labels %v", sizes, firsts, labels)
	}

	// Shuffled, dropping the last batch: the order is Permutation(5, 3, epoch).
	b, err = NewBatcher(s, BatchConfig{BatchSize: 2, Shuffle: true, Seed: 3, DropLast: true})
	if err != nil {
		t.Fatal(err)
	}
	for epoch := range 3 {
		sizes, firsts, labels := collect(b, epoch)
		perm := Permutation(5, 3, epoch)
		if b.BatchesPerEpoch() != 2 || !slices.Equal(sizes, []int{2, 2}) {
			t.Errorf("epoch %d sizes %v", epoch, sizes)
		}
		for j := range 4 {
			if int(firsts[j]) != perm[j] || labels[j] != perm[j]%3 {
				t.Errorf("epoch %d: batch item %d is image %g label %d, want %d", epoch, j, firsts[j], labels[j], perm[j])
			}
		}
	}
}

func TestDataset(t *testing.T) {
	s := tinySet(t)
	if _, err := NewDataset("d", &Set{Name: "u", H: 1, W: 1, C: 1, Images: []float32{1}}, DatasetConfig{
		BatchConfig: BatchConfig{BatchSize: 1}, Target: TargetLabels}); err == nil {
		t.Error("TargetLabels on unlabelled set: no error")
	}
	// One epoch per Iter, labels as int32.
	ds, err := NewDataset("d", s, DatasetConfig{BatchConfig: BatchConfig{BatchSize: 2, Shuffle: true, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for epoch := range 2 {
		var got []int32
		n := 0
		for batch, err := range ds.Iter() {
			if err != nil {
				t.Fatal(err)
			}
			n++
			if len(batch.Inputs) != 1 || len(batch.Labels) != 1 {
				t.Fatalf("batch has %d inputs, %d labels", len(batch.Inputs), len(batch.Labels))
			}
			got = append(got, tensors.MustCopyFlatData[int32](batch.Labels[0])...)
			_ = batch.Finalize()
		}
		want := []int32{}
		for _, i := range Permutation(5, 1, epoch) {
			want = append(want, int32(i%3))
		}
		if n != 3 || !slices.Equal(got, want) {
			t.Errorf("epoch %d: %d batches, labels %v, want 3 and %v", epoch, n, got, want)
		}
	}
	if ds.Epoch() != 2 {
		t.Errorf("Epoch() = %d after two Iter, want 2", ds.Epoch())
	}

	// Looping autoencoder dataset: labels are copies of the inputs, and it
	// goes on past the end of the first epoch.
	ds, err = NewDataset("ae", s, DatasetConfig{
		BatchConfig: BatchConfig{BatchSize: 2, DropLast: true}, Target: TargetImages, Loop: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for batch := range ds.Iter() {
		in, lab := batch.Inputs[0], batch.Labels[0]
		if !reflect.DeepEqual(in.Shape().Dimensions, []int{2, 2, 3, 1}) || in == lab ||
			!slices.Equal(tensors.MustCopyFlatData[float32](in), tensors.MustCopyFlatData[float32](lab)) {
			t.Fatalf("batch %d: input %s, label %s", n, in.Shape(), lab.Shape())
		}
		_ = batch.Finalize()
		if n++; n == 7 {
			break
		}
	}
	if n != 7 || ds.Epoch() != 4 {
		t.Errorf("looping: %d batches over %d epochs, want 7 over 4", n, ds.Epoch())
	}
}
