// Vincent et al.'s table 3 on more data sets: the benchmark data sets as
// labelled kit/data sets (train and test), the paper's SdA-3 figures, and
// the comparison of a pretrained stack with the same network from random
// initialisation.

package sdae

import (
	"errors"
	"fmt"
	"time"

	"github.com/dlc-go/denoising/kit/data"
)

// Benchmarks lists the data sets of the comparison, in the order of the
// paper's table 3 (without mnist-basic, the small-training-set MNIST,
// which is MNIST here with fewer examples), then Fashion-MNIST:
//
//   - mnist: MNIST digits;
//   - rot, bg-rand, bg-img, bg-img-rot: the digit variants ([Rot],
//     [BgRand], [BgImg]), training images made from MNIST training digits,
//     test images from MNIST test digits;
//   - rect, rect-img, convex: the shape problems ([Rect], [RectImg],
//     [Convex]), two classes;
//   - fashion-mnist: Zalando's clothing images (2017, after the paper).
//
// The photo backgrounds of bg-img, bg-img-rot and rect-img come from the
// training photos for the training set and from the held-out photos for
// the test set ([LoadBackgrounds]).
var Benchmarks = []string{"mnist", "rot", "bg-rand", "bg-img", "bg-img-rot", "rect", "rect-img", "convex", "fashion-mnist"}

// PaperResult is one entry of Vincent et al. (2010), table 3: the test
// error of SdA-3 in percent with the half-width of its 95% confidence
// interval, as printed there.
type PaperResult struct {
	Error, CI float64
}

// PaperSdA3 holds the SdA-3 column of Vincent et al. (2010), table 3, for
// the data sets of [Benchmarks] the paper has (not fashion-mnist). The
// paper's sets had 10 000 training examples (rect: 1 000; convex: 6 000;
// mnist: 50 000), plus a validation set used to choose the
// hyper-parameters, including the noise level, per data set; its test
// sets had 50 000 examples (mnist: 10 000).
var PaperSdA3 = map[string]PaperResult{
	"mnist":      {1.28, 0.22},
	"rot":        {9.53, 0.26},
	"bg-rand":    {10.30, 0.27},
	"bg-img":     {16.68, 0.33},
	"bg-img-rot": {43.76, 0.43},
	"rect":       {1.99, 0.12},
	"rect-img":   {21.59, 0.36},
	"convex":     {19.06, 0.34},
}

// Backgrounds are the photo patch sources of the image variants: Train
// draws from the training photos, Test from the held-out ones
// (data.PhotoSplit), so no background pixel of a test image was seen in
// training.
type Backgrounds struct {
	Train, Test PatchSource
}

// BackgroundMinStd is the texture threshold of [LoadBackgrounds]: 28x28
// photo patches with a pixel standard deviation below it are redrawn
// (Larochelle et al. discarded low-variance patches too).
const BackgroundMinStd = 0.05

// LoadBackgrounds loads the natural photos in gray, downscaled by factor
// (>= 1; 4 gives textures of a scale similar to a digit's strokes), and
// returns their patch sources ([PatchesFromImages] with
// [BackgroundMinStd]).
func LoadBackgrounds(factor int) (Backgrounds, error) {
	trainPhotos, testPhotos, err := data.PhotoSplit()
	if err != nil {
		return Backgrounds{}, err
	}
	var bg Backgrounds
	for _, p := range []struct {
		photos []data.Photo
		dst    *PatchSource
	}{{trainPhotos, &bg.Train}, {testPhotos, &bg.Test}} {
		ims, err := data.LoadPhotos(p.photos, true, factor)
		if err != nil {
			return Backgrounds{}, err
		}
		if *p.dst, err = PatchesFromImages(ims, BackgroundMinStd); err != nil {
			return Backgrounds{}, err
		}
	}
	return bg, nil
}

// benchmarkTestSeed separates the seed of a test set from its training set's.
const benchmarkTestSeed = 1 << 32

// Benchmark returns the training set (trainN images) and the test set
// (testN images) of the named data set of [Benchmarks], as labelled
// [N, 28, 28, 1] sets in [0, 1] (10 classes, 2 for rect, rect-img and
// convex), deterministic for a seed (the test set uses seed + 2^32). The
// digit sets use the first trainN MNIST training digits (first testN test
// digits; so trainN <= 60000, testN <= 10000, and the same for
// fashion-mnist); bg is needed for bg-img, bg-img-rot and rect-img only.
// The sets are named "<name>-<seed>/train" and "<name>-<seed>/test"; those
// of mnist and fashion-mnist share the memory of the loaded data set.
func Benchmark(name string, trainN, testN int, seed uint64, bg Backgrounds) (trainSet, testSet *data.Set, err error) {
	if trainN < 1 || testN < 1 {
		return nil, nil, fmt.Errorf("sdae.Benchmark: trainN = %d and testN = %d must be >= 1", trainN, testN)
	}
	type gen func(n int, seed uint64, split data.Split) ([]float32, []int, error)
	mnistSlice := func(load func(data.Split) (*data.Set, error)) func(split data.Split, n int) (Digits, error) {
		return func(split data.Split, n int) (Digits, error) {
			s, err := load(split)
			if err != nil {
				return Digits{}, err
			}
			if n > s.Len() {
				return Digits{}, fmt.Errorf("sdae.Benchmark(%q): %d %s images requested, the set has %d", name, n, split, s.Len())
			}
			if s, err = s.Slice(0, n); err != nil {
				return Digits{}, err
			}
			return DigitsFromSet(s)
		}
	}
	digits := mnistSlice(data.MNIST)
	photo := func(split data.Split) (PatchSource, error) {
		src := bg.Train
		if split == data.Test {
			src = bg.Test
		}
		if src == nil {
			return nil, fmt.Errorf("sdae.Benchmark(%q): no photo backgrounds (LoadBackgrounds)", name)
		}
		return src, nil
	}
	var g gen
	classes := 10
	switch name {
	case "mnist", "fashion-mnist":
		from := digits
		if name == "fashion-mnist" {
			from = mnistSlice(data.FashionMNIST)
		}
		g = func(n int, _ uint64, split data.Split) ([]float32, []int, error) {
			d, err := from(split, n)
			return d.Images, d.Labels, err
		}
	case "rot", "bg-rand", "bg-img", "bg-img-rot":
		g = func(n int, seed uint64, split data.Split) ([]float32, []int, error) {
			d, err := digits(split, n)
			if err != nil {
				return nil, nil, err
			}
			switch name {
			case "rot":
				return Rot{Digits: d}.Generate(n, seed)
			case "bg-rand":
				return BgRand{Digits: d}.Generate(n, seed)
			}
			src, err := photo(split)
			if err != nil {
				return nil, nil, err
			}
			return BgImg{Digits: d, Patches: src, Rotate: name == "bg-img-rot"}.Generate(n, seed)
		}
	case "rect", "rect-img", "convex":
		classes = 2
		g = func(n int, seed uint64, split data.Split) ([]float32, []int, error) {
			switch name {
			case "rect":
				return Rect{}.Generate(n, seed)
			case "convex":
				return Convex{}.Generate(n, seed)
			}
			src, err := photo(split)
			if err != nil {
				return nil, nil, err
			}
			return RectImg{Patches: src}.Generate(n, seed)
		}
	default:
		return nil, nil, fmt.Errorf("sdae.Benchmark: unknown data set %q (want one of %v)", name, Benchmarks)
	}
	build := func(n int, genSeed uint64, split data.Split) (*data.Set, error) {
		x, y, err := g(n, genSeed, split)
		if err != nil {
			return nil, fmt.Errorf("sdae.Benchmark(%q) %s: %w", name, split, err)
		}
		return data.NewSet(fmt.Sprintf("%s-%d/%s", name, seed, split), x, y, classes, Side, Side, 1)
	}
	if trainSet, err = build(trainN, seed, data.Train); err != nil {
		return nil, nil, err
	}
	if testSet, err = build(testN, seed+benchmarkTestSeed, data.Test); err != nil {
		return nil, nil, err
	}
	return trainSet, testSet, nil
}

// Comparison is a pretrained stack and the same network from random
// initialisation, fine-tuned with the same settings on one data set.
type Comparison struct {
	Config StackConfig // as run (Name set by [Compare])
	// Stack holds the pretrained DAEs; Pretrained and Random the
	// fine-tuned classifiers, with their test error curves.
	Stack              *Pretrained
	Pretrained, Random *FineTuneResult
	// TestPretrained and TestRandom are the final test errors (fractions).
	TestPretrained, TestRandom float64
	// PretrainWall, PretrainedWall and RandomWall are the training times
	// of the three phases (of the original runs when loaded from the
	// cache; the encoding of the training set between layers is not
	// counted); Cached says whether all three came from the cache.
	PretrainWall, PretrainedWall, RandomWall time.Duration
	Cached                                   bool
}

// CompareName is the StackConfig.Name that [Compare] gives its runs:
// "<train name>-<N>-<test name>-<N>", so that cached runs are keyed by the
// data.
func CompareName(trainSet, testSet *data.Set) string {
	return fmt.Sprintf("%s-%d-%s-%d", trainSet.Name, trainSet.Len(), testSet.Name, testSet.Len())
}

// Compare pretrains cfg's stack on trainSet ([PretrainStack]), fine-tunes
// it and the random-initialisation control ([FineTune]) and reports both
// test errors on testSet. It sets cfg.Name to [CompareName]; the two sets
// must be labelled with cfg.Classes classes or fewer.
func Compare(cfg StackConfig, trainSet, testSet *data.Set) (*Comparison, error) {
	if trainSet == nil || testSet == nil {
		return nil, errors.New("sdae.Compare: nil data set")
	}
	cfg.Name = CompareName(trainSet, testSet)
	pre, err := PretrainStack(cfg, trainSet)
	if err != nil {
		return nil, err
	}
	c := &Comparison{Config: cfg, Stack: pre, Cached: true}
	for _, l := range pre.Layers {
		c.PretrainWall += l.Train.Wall
		c.Cached = c.Cached && l.Train.Cached
	}
	if c.Pretrained, err = FineTune(cfg, pre, trainSet, testSet); err != nil {
		return nil, err
	}
	if c.Random, err = FineTune(cfg, nil, trainSet, testSet); err != nil {
		return nil, err
	}
	c.PretrainedWall, c.RandomWall = c.Pretrained.Train.Wall, c.Random.Train.Wall
	c.Cached = c.Cached && c.Pretrained.Train.Cached && c.Random.Train.Cached
	if c.TestPretrained, err = finalError(cfg, c.Pretrained, testSet); err != nil {
		return nil, err
	}
	if c.TestRandom, err = finalError(cfg, c.Random, testSet); err != nil {
		return nil, err
	}
	return c, nil
}

// finalError is the last point of r's test curve, or the test error
// computed now when there is no curve (EvalEvery = 0).
func finalError(cfg StackConfig, r *FineTuneResult, testSet *data.Set) (float64, error) {
	if n := len(r.Curve); n > 0 && r.Curve[n-1].Step == cfg.FinetuneSteps {
		return r.Curve[n-1].Value, nil
	}
	return ErrorRate(cfg, r.Train.Store, testSet)
}
