package render

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/dlc-go/denoising/kit/img"
	"github.com/dlc-go/denoising/kit/train"
	"github.com/dlc-go/denoising/n2n"
)

// The data of the Monte Carlo experiment: views of the Cornell box, each
// rendered three times with independent seeds,
//
//	x^   SPP samples per pixel       the network's input (tone mapped)
//	y^   SPP samples per pixel       the Noise2Noise target (linear)
//	y    RefSPP samples per pixel    the clean target and the reference
//
// x^ and y^ are independent unbiased estimates of the same image, a
// Noise2Noise pair. Training views are [Variation]s of the box; test view 0
// is the canonical [CornellBox] of cornell.pov, the others are variations
// whose seeds no training view uses. Renders are deterministic functions of
// (scene, size, SPP, seed), so the data set is cached on disk by its
// settings ([LoadOrRenderDataset]).

// DataCodeVersion is part of the cache key of rendered data sets; bump it
// when the renderer, the scenes or the data layout change.
const DataCodeVersion = "render-data-v1"

// DatasetConfig says which views are rendered and how.
type DatasetConfig struct {
	// Side is the width and height of every view in pixels, a multiple of 32
	// (the U-Net's five poolings).
	Side int
	// TrainViews and TestViews are the numbers of views (>= 1 each).
	TrainViews, TestViews int
	// SPP is the samples per pixel of the noisy input x^ and of the
	// independent noisy target y^ (the paper's low-sample renders).
	SPP int
	// RefSPP is the samples per pixel of the training views' clean targets
	// (used only by the clean-target run); TestRefSPP that of the test
	// views' references, used only for evaluation.
	RefSPP, TestRefSPP int
	// Seed selects the scene variations and the render seeds.
	Seed uint64
}

// Validate reports whether the configuration is usable.
func (c DatasetConfig) Validate() error {
	switch {
	case c.Side <= 0 || c.Side%n2n.UNetMultiple != 0:
		return fmt.Errorf("render: DatasetConfig.Side must be a positive multiple of %d, got %d", n2n.UNetMultiple, c.Side)
	case c.TrainViews < 1 || c.TestViews < 1:
		return fmt.Errorf("render: DatasetConfig needs >= 1 training and test views, got %d and %d", c.TrainViews, c.TestViews)
	case c.SPP < 1 || c.RefSPP < 1 || c.TestRefSPP < 1:
		return fmt.Errorf("render: DatasetConfig: SPP (%d), RefSPP (%d), TestRefSPP (%d) must be >= 1", c.SPP, c.RefSPP, c.TestRefSPP)
	}
	return nil
}

// Samples is the total number of paths the data set traces:
// Side² (TrainViews (2 SPP + RefSPP) + TestViews (SPP + TestRefSPP)).
func (c DatasetConfig) Samples() int {
	return c.Side * c.Side * (c.TrainViews*(2*c.SPP+c.RefSPP) + c.TestViews*(c.SPP+c.TestRefSPP))
}

// String summarises the data set in one line.
func (c DatasetConfig) String() string {
	return fmt.Sprintf("%d training views + %d test views of %dx%d; input and noisy target %d spp each, "+
		"clean targets %d spp, test references %d spp; seed %d",
		c.TrainViews, c.TestViews, c.Side, c.Side, c.SPP, c.RefSPP, c.TestRefSPP, c.Seed)
}

// Scene returns view i of the training set (test = false) or of the test
// set: test view 0 is [CornellBox], every other view a [Variation] with a
// seed derived from (Seed, test, i), so training and test views never share
// a variation.
func (c DatasetConfig) Scene(test bool, i int) *Scene {
	if test && i == 0 {
		return CornellBox()
	}
	return Variation(c.viewSeed(test, i))
}

func (c DatasetConfig) viewSeed(test bool, i int) uint64 {
	s := splitmix64(c.Seed) ^ uint64(i)
	if test {
		s ^= 1 << 40
	}
	return splitmix64(s)
}

// renderSeed is the seed of render k (0: input, 1: noisy target, 2:
// reference) of a view.
func (c DatasetConfig) renderSeed(test bool, i, k int) uint64 {
	return splitmix64(c.viewSeed(test, i) ^ uint64(k+1)<<48)
}

// Dataset holds the rendered views as linear radiance (HDR), each array
// [N, Side, Side, 3] float32, row-major, RGB last.
type Dataset struct {
	Config DatasetConfig
	// TrainInput (x^), TrainTarget (y^, independent of x^) and TrainRef
	// (RefSPP) of the TrainViews training views.
	TrainInput, TrainTarget, TrainRef []float32
	// TestInput (x^) and TestRef (TestRefSPP) of the TestViews test views.
	TestInput, TestRef []float32
	// RenderSeconds is the wall time the renders took when the data set was
	// made (also when it was later loaded from the cache).
	RenderSeconds float64
	// Cached reports whether this value was loaded from the disk cache.
	Cached bool
}

// TrainShape is the shape of the training arrays: [TrainViews, Side, Side, 3].
func (d *Dataset) TrainShape() img.Shape {
	return img.Shape{N: d.Config.TrainViews, H: d.Config.Side, W: d.Config.Side, C: 3}
}

// TestShape is the shape of the test arrays: [TestViews, Side, Side, 3].
func (d *Dataset) TestShape() img.Shape {
	return img.Shape{N: d.Config.TestViews, H: d.Config.Side, W: d.Config.Side, C: 3}
}

// RenderDataset renders the data set (no cache). progress, if not nil, is
// called after each render with the paths traced so far and in all.
func RenderDataset(cfg DatasetConfig, progress func(done, total int)) (*Dataset, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	s := cfg.Side
	size := s * s * 3
	d := &Dataset{Config: cfg}
	total, done := cfg.Samples(), 0
	render := func(dst *[]float32, test bool, i, k, spp int) error {
		im, err := Render(cfg.Scene(test, i), Options{Width: s, Height: s, SPP: spp, Seed: cfg.renderSeed(test, i, k)})
		if err != nil {
			return err
		}
		*dst = append(*dst, im.Pix...)
		done += s * s * spp
		if progress != nil {
			progress(done, total)
		}
		return nil
	}
	d.TrainInput = make([]float32, 0, cfg.TrainViews*size)
	d.TrainTarget = make([]float32, 0, cfg.TrainViews*size)
	d.TrainRef = make([]float32, 0, cfg.TrainViews*size)
	for i := range cfg.TrainViews {
		for k, a := range []*[]float32{&d.TrainInput, &d.TrainTarget, &d.TrainRef} {
			spp := cfg.SPP
			if k == 2 {
				spp = cfg.RefSPP
			}
			if err := render(a, false, i, k, spp); err != nil {
				return nil, err
			}
		}
	}
	d.TestInput = make([]float32, 0, cfg.TestViews*size)
	d.TestRef = make([]float32, 0, cfg.TestViews*size)
	for i := range cfg.TestViews {
		if err := render(&d.TestInput, true, i, 0, cfg.SPP); err != nil {
			return nil, err
		}
		if err := render(&d.TestRef, true, i, 2, cfg.TestRefSPP); err != nil {
			return nil, err
		}
	}
	d.RenderSeconds = time.Since(start).Seconds()
	return d, nil
}

// DatasetCacheKey is the kit/train cache key of a data set: it depends on
// the settings, DataCodeVersion and the budget.
func DatasetCacheKey(cfg DatasetConfig) (string, error) {
	return train.CacheKey("render_data", DataCodeVersion, cfg)
}

// LoadOrRenderDataset returns the data set of cfg from the disk cache
// (<kit/train's CacheDir>/data/<key>.gob) or renders it with
// [RenderDataset] and saves it there (a failure to save is only a warning,
// through train.Warnf). DENOISING_RETRAIN=1 renders anew.
func LoadOrRenderDataset(cfg DatasetConfig, progress func(done, total int)) (*Dataset, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	key, err := DatasetCacheKey(cfg)
	if err != nil {
		return nil, err
	}
	dir, err := train.CacheDir()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "data", key+".gob")
	if !train.Retrain() {
		d, err := readDataset(path, cfg)
		switch {
		case err == nil:
			return d, nil
		case !errors.Is(err, fs.ErrNotExist):
			train.Warnf("cached render data %s is unreadable, rendering again: %v", path, err)
		}
	}
	d, err := RenderDataset(cfg, progress)
	if err != nil {
		return nil, err
	}
	if err := writeDataset(path, d); err != nil {
		train.Warnf("could not cache the render data under %s: %v", path, err)
	}
	return d, nil
}

func readDataset(path string, cfg DatasetConfig) (*Dataset, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d Dataset
	if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&d); err != nil {
		return nil, fmt.Errorf("decoding: %w", err)
	}
	if d.Config != cfg {
		return nil, fmt.Errorf("settings %+v differ from %+v", d.Config, cfg)
	}
	n, m := cfg.TrainViews*cfg.Side*cfg.Side*3, cfg.TestViews*cfg.Side*cfg.Side*3
	if len(d.TrainInput) != n || len(d.TrainTarget) != n || len(d.TrainRef) != n || len(d.TestInput) != m || len(d.TestRef) != m {
		return nil, errors.New("array sizes do not match the settings")
	}
	d.Cached = true
	return &d, nil
}

// writeDataset saves d with gob, atomically (a temporary file renamed).
func writeDataset(path string, d *Dataset) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(d); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
