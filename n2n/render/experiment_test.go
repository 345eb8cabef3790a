package render

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/dlc-go/denoising/kit/train"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// tinyDataConfig renders in well under a second.
func tinyDataConfig() DatasetConfig {
	return DatasetConfig{Side: 32, TrainViews: 2, TestViews: 2, SPP: 2, RefSPP: 8, TestRefSPP: 8, Seed: 3}
}

func tinyExperimentConfig() ExperimentConfig {
	return ExperimentConfig{Data: tinyDataConfig(), Crop: 32, Batch: 2, Steps: 2, Width: 0.125, LR: 1e-3,
		RampDown: true, EvalEvery: 1, Seed: 5}
}

func TestDatasetConfig(t *testing.T) {
	c := tinyDataConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Samples(), 32*32*(2*(2*2+8)+2*(2+8)); got != want {
		t.Errorf("Samples() = %d, want %d", got, want)
	}
	for _, bad := range []func(*DatasetConfig){
		func(c *DatasetConfig) { c.Side = 48 },
		func(c *DatasetConfig) { c.TrainViews = 0 },
		func(c *DatasetConfig) { c.RefSPP = 0 },
	} {
		b := tinyDataConfig()
		bad(&b)
		if b.Validate() == nil {
			t.Errorf("%+v: no error", b)
		}
	}
	// Test view 0 is the canonical box; training and test views differ.
	if !reflect.DeepEqual(c.Scene(true, 0), CornellBox()) {
		t.Error("test view 0 is not the canonical Cornell box")
	}
	seen := map[uint64]bool{}
	for _, test := range []bool{false, true} {
		for i := range 50 {
			s := c.viewSeed(test, i)
			if seen[s] {
				t.Fatalf("view seed %d repeats (test=%v, i=%d)", s, test, i)
			}
			seen[s] = true
		}
	}
	if reflect.DeepEqual(c.Scene(false, 1), c.Scene(true, 1)) {
		t.Error("training view 1 and test view 1 are the same scene")
	}
}

// Rendering is deterministic, x^ and y^ are different draws, and the disk
// cache gives back exactly what was rendered.
func TestDatasetRenderAndCache(t *testing.T) {
	t.Setenv(train.EnvCache, t.TempDir())
	t.Setenv(train.EnvRetrain, "")
	cfg := tinyDataConfig()
	calls := 0
	d, err := LoadOrRenderDataset(cfg, func(done, total int) {
		calls++
		if done > total {
			t.Errorf("progress %d of %d", done, total)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if d.Cached || calls != 2*3+2*2 {
		t.Errorf("first call: Cached=%v, %d progress calls (want false, 10)", d.Cached, calls)
	}
	n := cfg.TrainViews * cfg.Side * cfg.Side * 3
	if len(d.TrainInput) != n || len(d.TestRef) != cfg.TestViews*cfg.Side*cfg.Side*3 {
		t.Fatalf("array sizes %d, %d", len(d.TrainInput), len(d.TestRef))
	}
	if slices.Equal(d.TrainInput, d.TrainTarget) {
		t.Error("input and noisy target are the same render")
	}
	// Each view is Render of its scene with its seed.
	im, err := Render(cfg.Scene(false, 1), Options{Width: 32, Height: 32, SPP: cfg.SPP, Seed: cfg.renderSeed(false, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(im.Pix, d.TrainTarget[n/2:]) {
		t.Error("training target 1 is not the render of view 1 with its seed")
	}
	again, err := LoadOrRenderDataset(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cached {
		t.Error("second call did not use the cache")
	}
	for name, p := range map[string][2][]float32{
		"TrainInput": {d.TrainInput, again.TrainInput}, "TrainTarget": {d.TrainTarget, again.TrainTarget},
		"TrainRef": {d.TrainRef, again.TrainRef}, "TestInput": {d.TestInput, again.TestInput}, "TestRef": {d.TestRef, again.TestRef},
	} {
		if !slices.Equal(p[0], p[1]) {
			t.Errorf("%s differs after the cache round trip", name)
		}
	}
	// Another seed is another data set, not a cache hit.
	cfg.Seed++
	other, err := LoadOrRenderDataset(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if other.Cached || slices.Equal(other.TrainInput, d.TrainInput) {
		t.Error("a different seed hit the cache or rendered the same views")
	}
}

// synthDataset fills a data set with distinct values so crops can be
// located.
func synthDataset(cfg DatasetConfig) *Dataset {
	n := cfg.TrainViews * cfg.Side * cfg.Side * 3
	m := cfg.TestViews * cfg.Side * cfg.Side * 3
	d := &Dataset{Config: cfg, TrainInput: make([]float32, n), TrainTarget: make([]float32, n), TrainRef: make([]float32, n),
		TestInput: make([]float32, m), TestRef: make([]float32, m)}
	for i := range n {
		d.TrainInput[i] = float32(i) * 1e-3
		d.TrainTarget[i] = float32(i) + 0.25
		d.TrainRef[i] = float32(i) + 0.5
	}
	for i := range m {
		d.TestInput[i], d.TestRef[i] = float32(i%7)*0.1, float32(i%5)*0.1
	}
	return d
}

// Every batch element is a (possibly mirrored) crop of one training view:
// inputs tone-mapped, targets linear, and all methods see the same crops.
func TestBatch(t *testing.T) {
	cfg := tinyExperimentConfig()
	cfg.Data.Side, cfg.Batch = 64, 6
	e, err := NewExperiment(cfg, synthDataset(cfg.Data))
	if err != nil {
		t.Fatal(err)
	}
	side, s := cfg.Data.Side, cfg.Crop
	flips := 0
	for step := range 3 {
		noisy, err := e.Batch(Methods[0], step)
		if err != nil {
			t.Fatal(err)
		}
		clean, err := e.Batch(Methods[2], step)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(noisy.Input, clean.Input) {
			t.Fatal("methods see different inputs at the same step")
		}
		for k := range cfg.Batch {
			// The target's first value identifies view, row, column (it is i + 0.25).
			i0 := int(noisy.Target[k*s*s*3])
			v, rest := i0/(side*side*3), i0%(side*side*3)
			y0, x0 := rest/(side*3), (rest%(side*3))/3
			flip := false
			if x0 >= s-1 && int(noisy.Target[k*s*s*3+3]) == i0-3 {
				flip, x0 = true, x0-(s-1)
				flips++
			}
			for dy := range s {
				for dx := range s {
					sx := x0 + dx
					if flip {
						sx = x0 + s - 1 - dx
					}
					src := ((v*side+y0+dy)*side + sx) * 3
					dst := ((k*s+dy)*s + dx) * 3
					for ch := range 3 {
						if noisy.Target[dst+ch] != e.Data.TrainTarget[src+ch] || clean.Target[dst+ch] != e.Data.TrainRef[src+ch] ||
							noisy.Input[dst+ch] != ToneMapValue(e.Data.TrainInput[src+ch]) {
							t.Fatalf("step %d item %d: value (%d, %d, %d) is not the crop of view %d at (%d, %d), flip %v",
								step, k, dy, dx, ch, v, y0, x0, flip)
						}
					}
				}
			}
		}
	}
	if flips == 0 || flips == 3*cfg.Batch {
		t.Errorf("%d of %d crops flipped", flips, 3*cfg.Batch)
	}
	if _, err := e.Batch(Method{Loss: "L3"}, 0); err == nil {
		t.Error("unknown loss: no error")
	}
}

// LHDRNode agrees with LHDR, and its gradient is 2 (f - y) / (f + 0.01)^2 / N
// (denominator held constant).
func TestLHDRNode(t *testing.T) {
	const n = 24
	rng := rand.New(rand.NewPCG(1, 1))
	f, y := make([]float32, n), make([]float32, n)
	for i := range f {
		f[i] = float32(rng.ExpFloat64())
		y[i] = float32(rng.ExpFloat64())
	}
	f[3] = 0 // the clamp at 0 is inactive at 0
	e, err := graph.NewExec(backend.Shared(), func(fn, yn *graph.Node) []*graph.Node {
		l := LHDRNode(yn, fn)
		return []*graph.Node{l, graph.Gradient(l, fn)[0]}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	out, err := e.Exec(tensors.FromFlatDataAndDimensions(f, 4, 6), tensors.FromFlatDataAndDimensions(y, 4, 6))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float32](out[0])[0]
	want, err := LHDR(f, y)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(float64(got)-want) > 1e-5*want {
		t.Errorf("LHDRNode = %v, LHDR = %v", got, want)
	}
	grad := tensors.MustCopyFlatData[float32](out[1])
	for i := range f {
		den := float64(f[i]) + HDREpsilon
		w := 2 * (float64(f[i]) - float64(y[i])) / (den * den) / n
		if math.Abs(float64(grad[i])-w) > 1e-4*math.Abs(w)+1e-6 {
			t.Errorf("gradient[%d] = %v, want %v", i, grad[i], w)
		}
	}
}

// logInput recovers log(v + 0.01) from the tone-mapped T(v).
func TestLogInput(t *testing.T) {
	vs := []float32{0, 0.003, 0.05, 0.5, 1, 7, 40, 110}
	tm := ToneMap(vs)
	e, err := graph.NewExec(backend.Shared(), logInput)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	out, err := e.Exec(tensors.FromFlatDataAndDimensions(tm, len(tm)))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float32](out[0])
	for i, v := range vs {
		want := math.Log(float64(v) + HDREpsilon)
		// float32 tone mapping loses relative precision near T = 1: 1e-3 in log is 0.1%.
		if math.Abs(float64(got[i])-want) > 1e-3 {
			t.Errorf("logInput(T(%v)) = %v, want log(%v + 0.01) = %v", v, got[i], v, want)
		}
	}
}

// Two steps of each method train, score and cache.
func TestTrainMethods(t *testing.T) {
	t.Setenv(train.EnvCache, t.TempDir())
	t.Setenv(train.EnvRetrain, "")
	cfg := tinyExperimentConfig()
	e, err := NewExperiment(cfg, synthDataset(cfg.Data))
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Denoisers) != len(Methods) {
		t.Fatalf("%d denoisers", len(res.Denoisers))
	}
	keys := map[string]bool{}
	for _, d := range res.Denoisers {
		if math.IsNaN(d.PSNR) || math.IsInf(d.PSNR, 0) || math.IsNaN(d.RelMSE) || len(d.Train.Loss) != cfg.Steps {
			t.Errorf("%s: PSNR %v, relMSE %v, %d losses", d.Method, d.PSNR, d.RelMSE, len(d.Train.Loss))
		}
		if len(d.Train.Evals) != cfg.Steps || math.Abs(d.Train.Evals[cfg.Steps-1].Value-d.PSNR) > 1e-3 {
			t.Errorf("%s: evals %v, final PSNR %v", d.Method, d.Train.Evals, d.PSNR)
		}
		keys[d.Train.Key] = true
	}
	if len(keys) != len(Methods) {
		t.Errorf("cache keys are not distinct: %v", keys)
	}
	table := res.Table()
	for _, s := range []string{"noisy input", "L2", "L_HDR", "clean"} {
		if !strings.Contains(table, s) {
			t.Errorf("table lacks %q:\n%s", s, table)
		}
	}
	again, err := e.TrainDenoiser(Methods[1], nil)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Train.Cached || again.PSNR != res.Denoisers[1].PSNR {
		t.Errorf("second run: cached %v, PSNR %v vs %v", again.Train.Cached, again.PSNR, res.Denoisers[1].PSNR)
	}
	if _, err := NewExperiment(cfg, nil); err == nil {
		t.Error("NewExperiment without data: no error")
	}
}

// Jensen: the mean of tone-mapped renders is darker than the tone-mapped
// reference, the tone-mapped mean of linear renders is not.
func TestToneMapBias(t *testing.T) {
	s := CornellBox()
	ref, err := Render(s, Options{Width: 32, Height: 32, SPP: 256, Seed: 99})
	if err != nil {
		t.Fatal(err)
	}
	r, err := ToneMapBias(s, 32, 2, 32, ref.Pix, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", r)
	if !(r.MeanOfT < r.TOfMean && r.MeanOfT < r.MeanRef) {
		t.Errorf("mean of T %.4f, T of mean %.4f, T(ref) %.4f: want the first darkest", r.MeanOfT, r.TOfMean, r.MeanRef)
	}
	// 32 renders of 2 spp are a 64-spp render: its T is unbiased up to noise.
	if math.Abs(r.TOfMean-r.MeanRef) > 0.01 {
		t.Errorf("T of mean %.4f, T(ref) %.4f", r.TOfMean, r.MeanRef)
	}
	if !(r.PSNRTOfMean > r.PSNROfT+3 && r.Darker > 0.6) {
		t.Errorf("PSNR of the two averages %.2f, %.2f dB; darker fraction %.2f", r.PSNRTOfMean, r.PSNROfT, r.Darker)
	}
	if _, err := ToneMapBias(s, 32, 2, 0, ref.Pix, 1); err == nil {
		t.Error("k = 0: no error")
	}
	if _, err := ToneMapBias(s, 16, 2, 2, ref.Pix, 1); err == nil {
		t.Error("wrong reference size: no error")
	}
}
