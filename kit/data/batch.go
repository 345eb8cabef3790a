package data

import (
	"fmt"
	"iter"
	"math/rand/v2"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train"
)

// BatchConfig configures how a Batcher cuts a Set into mini-batches.
type BatchConfig struct {
	// BatchSize is the number of images per batch (> 0).
	BatchSize int
	// Shuffle visits the images in a new random order every epoch; otherwise
	// in index order.
	Shuffle bool
	// Seed fixes the shuffling: epoch e of a Set of N images always visits
	// the permutation Permutation(N, Seed, e).
	Seed uint64
	// DropLast drops the last batch of an epoch when it has fewer than
	// BatchSize images (keeping every batch the same shape, so that GoMLX
	// compiles a single graph).
	DropLast bool
}

// Batcher cuts a Set into mini-batches, deterministically: the batches of
// epoch e depend only on (Set, BatchConfig, e).
type Batcher struct {
	set *Set
	cfg BatchConfig
}

// NewBatcher checks cfg against s and returns a Batcher.
func NewBatcher(s *Set, cfg BatchConfig) (*Batcher, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if cfg.BatchSize <= 0 {
		return nil, fmt.Errorf("data.NewBatcher(%q): BatchSize must be > 0, got %d", s.Name, cfg.BatchSize)
	}
	if s.Len() == 0 {
		return nil, fmt.Errorf("data.NewBatcher(%q): empty set", s.Name)
	}
	if cfg.DropLast && cfg.BatchSize > s.Len() {
		return nil, fmt.Errorf("data.NewBatcher(%q): BatchSize %d > %d images with DropLast yields no batch",
			s.Name, cfg.BatchSize, s.Len())
	}
	return &Batcher{set: s, cfg: cfg}, nil
}

// Set returns the Set being batched.
func (b *Batcher) Set() *Set { return b.set }

// Config returns the BatchConfig.
func (b *Batcher) Config() BatchConfig { return b.cfg }

// BatchesPerEpoch returns the number of batches one epoch yields.
func (b *Batcher) BatchesPerEpoch() int {
	n := b.set.Len()
	if b.cfg.DropLast {
		return n / b.cfg.BatchSize
	}
	return (n + b.cfg.BatchSize - 1) / b.cfg.BatchSize
}

// Order returns the order in which epoch e visits the images: [N] indices.
func (b *Batcher) Order(epoch int) []int {
	n := b.set.Len()
	if b.cfg.Shuffle {
		return Permutation(n, b.cfg.Seed, epoch)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	return order
}

// Epoch yields the batches of epoch e: images [B, H, W, C] float32 and labels
// [B] (nil for an unlabelled set), with B = BatchSize except maybe for the
// last batch. Each batch is a fresh copy the caller may keep.
func (b *Batcher) Epoch(epoch int) iter.Seq2[[]float32, []int] {
	return func(yield func([]float32, []int) bool) {
		order := b.Order(epoch)
		bs := b.cfg.BatchSize
		for start := 0; start < len(order); start += bs {
			end := min(start+bs, len(order))
			if b.cfg.DropLast && end-start < bs {
				return
			}
			// Indices come from Order, so they are in range and Batch cannot fail.
			images, labels, _ := b.set.Batch(order[start:end])
			if !yield(images, labels) {
				return
			}
		}
	}
}

// Permutation returns a pseudo-random permutation of [0, n) determined by
// (seed, epoch): a Fisher-Yates shuffle driven by math/rand/v2's PCG seeded
// with (seed, epoch). The same arguments give the same permutation.
func Permutation(n int, seed uint64, epoch int) []int {
	rng := rand.New(rand.NewPCG(seed, uint64(epoch)))
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := int(rng.Uint64N(uint64(i + 1)))
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// Target says what a Dataset yields as the "labels" of a batch, the values
// that GoMLX's train.Trainer hands to the loss function.
type Target int

const (
	// TargetLabels yields the class labels: [B] int32.
	TargetLabels Target = iota
	// TargetImages yields a second copy of the clean images, [B, H, W, C]
	// float32: the reconstruction target of an autoencoder.
	TargetImages
	// TargetNone yields no labels.
	TargetNone
)

// DatasetConfig configures a Dataset.
type DatasetConfig struct {
	BatchConfig
	// Target selects the labels of each batch (see Target).
	Target Target
	// Loop makes Iter endless (epoch after epoch), for train.Loop.RunSteps;
	// otherwise Iter yields one epoch, for train.Loop.RunEpochs and evaluation.
	Loop bool
}

// Dataset adapts a Set to GoMLX's train.Dataset. Each batch has
// Inputs = [images [B, H, W, C] float32] and Labels as chosen by Target.
// Every call of Iter starts a new epoch (epoch 0, 1, 2, ...), shuffled by
// Permutation(N, Seed, epoch) when Shuffle is set; Reset goes back to epoch 0.
// The tensors yielded are new and owned by the caller (train.Trainer frees
// them). A Dataset is not safe for concurrent use.
type Dataset struct {
	name    string
	batcher *Batcher
	cfg     DatasetConfig
	epoch   int
}

var _ train.Dataset = (*Dataset)(nil)

// NewDataset returns a Dataset over s. With Target == TargetLabels the set
// must be labelled.
func NewDataset(name string, s *Set, cfg DatasetConfig) (*Dataset, error) {
	b, err := NewBatcher(s, cfg.BatchConfig)
	if err != nil {
		return nil, err
	}
	switch cfg.Target {
	case TargetLabels:
		if s.Labels == nil {
			return nil, fmt.Errorf("data.NewDataset(%q): TargetLabels but set %q has no labels", name, s.Name)
		}
	case TargetImages, TargetNone:
	default:
		return nil, fmt.Errorf("data.NewDataset(%q): unknown Target %d", name, cfg.Target)
	}
	return &Dataset{name: name, batcher: b, cfg: cfg}, nil
}

// Name implements train.Dataset.
func (d *Dataset) Name() string { return d.name }

// Epoch returns the number of epochs started so far by Iter.
func (d *Dataset) Epoch() int { return d.epoch }

// Reset makes the next Iter start again at epoch 0.
func (d *Dataset) Reset() { d.epoch = 0 }

// Iter implements train.Dataset: it yields the batches of the next epoch (or,
// with Loop, of all epochs from the next one on).
func (d *Dataset) Iter() iter.Seq2[train.Batch, error] {
	return func(yield func(train.Batch, error) bool) {
		s := d.batcher.set
		for {
			epoch := d.epoch
			d.epoch++
			for images, labels := range d.batcher.Epoch(epoch) {
				n := len(images) / s.ImageSize()
				batch := train.Batch{
					Inputs: []*tensors.Tensor{tensors.FromFlatDataAndDimensions(images, n, s.H, s.W, s.C)},
				}
				switch d.cfg.Target {
				case TargetLabels:
					batch.Labels = []*tensors.Tensor{tensors.FromFlatDataAndDimensions(toInt32(labels), n)}
				case TargetImages:
					batch.Labels = []*tensors.Tensor{tensors.FromFlatDataAndDimensions(images, n, s.H, s.W, s.C)}
				}
				if !yield(batch, nil) {
					return
				}
			}
			if !d.cfg.Loop {
				return
			}
		}
	}
}
