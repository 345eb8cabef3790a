package dae

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/dlc-go/denoising/kit/train"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

func TestMDNConfigValidate(t *testing.T) {
	if err := DefaultMDNConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*MDNConfig){
		"sigma":      func(c *MDNConfig) { c.Sigma = 0 },
		"hidden":     func(c *MDNConfig) { c.Hidden = 0 },
		"components": func(c *MDNConfig) { c.Components = 0 },
		"minstd":     func(c *MDNConfig) { c.MinStd = 0 },
		"batch":      func(c *MDNConfig) { c.Batch = 0 },
		"steps":      func(c *MDNConfig) { c.Steps = 0 },
		"lr":         func(c *MDNConfig) { c.LearningRate = math.NaN() },
		"prior":      func(c *MDNConfig) { c.Prior.GapWidth = 7 },
	} {
		c := DefaultMDNConfig()
		mod(&c)
		if c.Validate() == nil {
			t.Errorf("%s: want an error", name)
		}
		if _, err := TrainMDN(c); err == nil {
			t.Errorf("%s: TrainMDN should fail", name)
		}
	}
}

// mdnParams is a batch of mixture parameters in float64 host arrays:
// x [B][2], logits [B][K], means [B][K][2], logStd [B][K].
type mdnParams struct {
	b, k   int
	x      []float64 // [B, 2]
	logits []float64 // [B, K]
	means  []float64 // [B, K, 2]
	logStd []float64 // [B, K]
}

func randomParams(rng *rand.Rand, b, k int) mdnParams {
	p := mdnParams{b: b, k: k, x: make([]float64, 2*b), logits: make([]float64, b*k),
		means: make([]float64, 2*b*k), logStd: make([]float64, b*k)}
	for i := range p.x {
		p.x[i] = rng.NormFloat64()
	}
	for i := range p.logits {
		p.logits[i] = 2 * rng.NormFloat64()
		p.logStd[i] = -1 + 0.5*rng.NormFloat64()
	}
	for i := range p.means {
		p.means[i] = rng.NormFloat64()
	}
	return p
}

// mixture returns point i's mixture and x, in float64.
func (p mdnParams) mixture(i int) (Mixture, [2]float64) {
	k := p.k
	m := Mixture{Weights: make([]float64, k), Means: make([][2]float64, k), Stds: make([]float64, k)}
	lmax := math.Inf(-1)
	for j := range k {
		lmax = math.Max(lmax, p.logits[i*k+j])
	}
	sum := 0.0
	for j := range k {
		m.Weights[j] = math.Exp(p.logits[i*k+j] - lmax)
		sum += m.Weights[j]
		m.Means[j] = [2]float64{p.means[2*(i*k+j)], p.means[2*(i*k+j)+1]}
		m.Stds[j] = math.Exp(p.logStd[i*k+j])
	}
	for j := range k {
		m.Weights[j] /= sum
	}
	return m, [2]float64{p.x[2*i], p.x[2*i+1]}
}

// refNLL is the direct float64 computation of the per-point NLL.
func (p mdnParams) refNLL() []float64 {
	out := make([]float64, p.b)
	for i := range out {
		m, x := p.mixture(i)
		out[i] = -m.LogDensity(x)
	}
	return out
}

// refNLLNaive is the textbook formula without the log-sum-exp shift.
func (p mdnParams) refNLLNaive(i int) float64 {
	m, x := p.mixture(i)
	s := 0.0
	for j, w := range m.Weights {
		sd := m.Stds[j]
		s += w / (2 * math.Pi * sd * sd) * math.Exp(-dist2(x, m.Means[j])/(2*sd*sd))
	}
	return -math.Log(s)
}

// graphNLL runs MDNNegLogLikelihood on p in float64 and, with weights w
// [B], returns the NLL [B] and the gradients of sum_i w_i NLL_i w.r.t.
// logits, means and logStd.
func graphNLL(t *testing.T, p mdnParams, w []float64) (nll, gLogits, gMeans, gLogStd []float64) {
	t.Helper()
	outs, err := ExecOnceN(backend.Shared(), func(in []*Node) []*Node {
		nll := MDNNegLogLikelihood(in[0], in[1], in[2], in[3])
		obj := ReduceAllSum(Mul(nll, in[4]))
		return append([]*Node{nll}, Gradient(obj, in[1], in[2], in[3])...)
	},
		tensors.FromFlatDataAndDimensions(slices.Clone(p.x), p.b, 2),
		tensors.FromFlatDataAndDimensions(slices.Clone(p.logits), p.b, p.k),
		tensors.FromFlatDataAndDimensions(slices.Clone(p.means), p.b, p.k, 2),
		tensors.FromFlatDataAndDimensions(slices.Clone(p.logStd), p.b, p.k),
		tensors.FromFlatDataAndDimensions(slices.Clone(w), p.b))
	if err != nil {
		t.Fatal(err)
	}
	res := make([][]float64, len(outs))
	for i, o := range outs {
		if res[i], err = tensors.CopyFlatData[float64](o); err != nil {
			t.Fatal(err)
		}
	}
	return res[0], res[1], res[2], res[3]
}

func TestMDNNegLogLikelihoodForward(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	p := randomParams(rng, 6, 4)
	// Hand-computed case, point 0: one component of weight 1 (the others at
	// logits -1e3), mean 0, std 1, x = (1, 0):
	// NLL = log(2 pi) + 1/2.
	for j := range p.k {
		p.logits[j] = -1e3
		p.means[2*j], p.means[2*j+1] = 0, 0
		p.logStd[j] = 0
	}
	p.logits[0] = 0
	p.x[0], p.x[1] = 1, 0
	got, _, _, _ := graphNLL(t, p, make([]float64, p.b))
	want := p.refNLL()
	if d := math.Abs(want[0] - (math.Log(2*math.Pi) + 0.5)); d > 1e-12 {
		t.Fatalf("reference NLL of a standard Gaussian at distance 1: off by %g", d)
	}
	for i := range want {
		if i > 0 {
			if d := math.Abs(want[i] - p.refNLLNaive(i)); d > 1e-10 {
				t.Errorf("point %d: shifted reference %g vs naive %g", i, want[i], p.refNLLNaive(i))
			}
		}
		if d := math.Abs(got[i] - want[i]); d > 1e-10*(1+math.Abs(want[i])) {
			t.Errorf("point %d: graph NLL %.15g, reference %.15g", i, got[i], want[i])
		}
	}
}

// TestMDNNegLogLikelihoodFar: a point 60 standard deviations from every
// component, in float32. Without the max shift exp(-1800) underflows to 0
// and the NLL is +Inf; with it the NLL is finite and exact.
func TestMDNNegLogLikelihoodFar(t *testing.T) {
	const b, k = 1, 2
	x := []float32{6, 0}
	logits := []float32{0, 0}
	means := []float32{0, 0, 0, 0.5}
	logStd := []float32{float32(math.Log(0.1)), float32(math.Log(0.1))}
	out, err := ExecOnce(backend.Shared(), func(in []*Node) *Node {
		return MDNNegLogLikelihood(in[0], in[1], in[2], in[3])
	}, tensors.FromFlatDataAndDimensions(x, b, 2), tensors.FromFlatDataAndDimensions(logits, b, k),
		tensors.FromFlatDataAndDimensions(means, b, k, 2), tensors.FromFlatDataAndDimensions(logStd, b, k))
	if err != nil {
		t.Fatal(err)
	}
	got := float64(tensors.MustCopyFlatData[float32](out)[0])
	m := Mixture{Weights: []float64{0.5, 0.5}, Means: [][2]float64{{0, 0}, {0, 0.5}},
		Stds: []float64{float64(float32(math.Log(0.1))), 0}}
	m.Stds[0] = math.Exp(m.Stds[0])
	m.Stds[1] = m.Stds[0]
	want := -m.LogDensity([2]float64{6, 0})
	if math.IsInf(got, 0) || math.IsNaN(got) || math.Abs(got-want) > 1e-5*want {
		t.Fatalf("far point: float32 graph NLL %g, float64 reference %g", got, want)
	}
	if naive := math.Exp(-want); naive != 0 {
		t.Fatalf("test is not extreme enough: density %g does not underflow", naive)
	}
}

// TestMDNNegLogLikelihoodGradient compares the graph's gradients of
// sum_i w_i NLL_i w.r.t. the network outputs (logits, means, logStd) with
// central finite differences of the float64 reference.
func TestMDNNegLogLikelihoodGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	p := randomParams(rng, 5, 3)
	w := make([]float64, p.b)
	for i := range w {
		w[i] = rng.Float64() + 0.5
	}
	obj := func(q mdnParams) float64 {
		s := 0.0
		for i, v := range q.refNLL() {
			s += w[i] * v
		}
		return s
	}
	_, gLogits, gMeans, gLogStd := graphNLL(t, p, w)
	const h = 1e-6
	for _, c := range []struct {
		name  string
		param []float64
		grad  []float64
	}{{"logits", p.logits, gLogits}, {"means", p.means, gMeans}, {"logStd", p.logStd, gLogStd}} {
		var maxErr, maxG float64
		for i := range c.param {
			v := c.param[i]
			c.param[i] = v + h
			up := obj(p)
			c.param[i] = v - h
			down := obj(p)
			c.param[i] = v
			fd := (up - down) / (2 * h)
			maxErr = math.Max(maxErr, math.Abs(fd-c.grad[i]))
			maxG = math.Max(maxG, math.Abs(fd))
		}
		if maxG == 0 {
			t.Fatalf("%s: all finite differences are 0", c.name)
		}
		if rel := maxErr / maxG; rel > 1e-6 {
			t.Errorf("%s: gradient vs finite differences: max abs err %.3g (relative %.3g)", c.name, maxErr, rel)
		}
	}
}

// TestMDNHeadLogStdFloor: whatever the raw output, log s_k >= log(MinStd),
// and means are offsets from x~ (with zero weights, mu_k = x~).
func TestMDNHeadLogStdFloor(t *testing.T) {
	const minStd = 0.05
	store := model.NewStore()
	x := []float32{0.3, -0.2, 1, 1}
	outs, err := train.Eval(nil, store, func(scope *model.Scope, in []*Node) []*Node {
		l, m, s := MDNHead(scope, in[0], 16, 3, minStd)
		return []*Node{l, m, s}
	}, tensors.FromFlatDataAndDimensions(x, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]int{{2, 3}, {2, 3, 2}, {2, 3}} {
		if d := outs[i].Shape().Dimensions; !slices.Equal(d, want) {
			t.Errorf("output %d: shape %v, want %v", i, d, want)
		}
	}
	// Zero the output layer's weights and set its biases: logits 0, mean
	// offsets 0, raw log-std -100 (far below the floor).
	const k = 3
	w := store.GetVariable("/output/weights")
	b := store.GetVariable("/output/biases")
	if w == nil || b == nil {
		var names []string
		for x := range store.IterVariables() {
			names = append(names, x.Path())
		}
		t.Fatalf("no /output/weights or /output/biases among %v", names)
	}
	wv, _ := w.Value()
	if err := w.SetValue(tensors.FromFlatDataAndDimensions(make([]float32, wv.Shape().Size()), wv.Shape().Dimensions...)); err != nil {
		t.Fatal(err)
	}
	bias := make([]float32, 4*k)
	for j := 3 * k; j < 4*k; j++ {
		bias[j] = -100
	}
	if err := b.SetValue(tensors.FromFlatDataAndDimensions(bias, 4*k)); err != nil {
		t.Fatal(err)
	}
	outs, err = train.Eval(nil, store, func(scope *model.Scope, in []*Node) []*Node {
		l, m, s := MDNHead(scope, in[0], 16, 3, minStd)
		return []*Node{l, m, s}
	}, tensors.FromFlatDataAndDimensions(x, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	logStd := tensors.MustCopyFlatData[float32](outs[2])
	for _, v := range logStd {
		if d := math.Abs(float64(v) - math.Log(minStd)); d > 1e-5 {
			t.Errorf("log-std %g, want the floor %g", v, math.Log(minStd))
		}
	}
	means := tensors.MustCopyFlatData[float32](outs[1])
	for i := range 2 {
		for j := range 3 {
			if means[2*(3*i+j)] != x[2*i] || means[2*(3*i+j)+1] != x[2*i+1] {
				t.Errorf("mean (%d, %d) = %v, want x~ %v", i, j, means[2*(3*i+j):2*(3*i+j)+2], x[2*i:2*i+2])
			}
		}
	}
}

func TestMixtureSample(t *testing.T) {
	m := Mixture{Weights: []float64{0.2, 0.8}, Means: [][2]float64{{-1, 0}, {2, 1}}, Stds: []float64{0.5, 0.1}}
	const n = 40000
	pts, err := m.Sample(n, 9)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := m.Sample(n, 9)
	if !slices.Equal(pts, again) {
		t.Fatal("same seed, different samples")
	}
	// Mean: sum pi mu = (1.4, 0.8); per-coordinate variance
	// sum pi (s^2 + mu^2) - mean^2: x: 0.2*(0.25+1) + 0.8*(0.01+4) - 1.96 = 1.458.
	if mean := m.Mean(); math.Abs(mean[0]-1.4) > 1e-12 || math.Abs(mean[1]-0.8) > 1e-12 {
		t.Fatalf("Mean() = %v, want (1.4, 0.8)", mean)
	}
	var mx, my meanVar
	nearFirst := 0
	for _, p := range pts {
		mx.add(p[0])
		my.add(p[1])
		if p[0] < 0.5 {
			nearFirst++
		}
	}
	if d := math.Abs(mx.mean - 1.4); d > 4*math.Sqrt(1.458/n) {
		t.Errorf("sample mean x %g, want 1.4", mx.mean)
	}
	if d := math.Abs(my.mean - 0.8); d > 4*math.Sqrt(0.2*(0.25+0)+0.8*(0.01+1)-0.64)/math.Sqrt(n) {
		t.Errorf("sample mean y %g, want 0.8", my.mean)
	}
	// P(x < 0.5) = 0.2 Phi(3) + 0.8 Phi(-15) ~ 0.2 * 0.99865.
	frac := float64(nearFirst) / n
	if p := 0.2 * 0.99865; math.Abs(frac-p) > 4*math.Sqrt(p*(1-p)/n) {
		t.Errorf("fraction from the first component %g, want %g", frac, p)
	}
	for _, bad := range []Mixture{
		{},
		{Weights: []float64{0.5, 0.6}, Means: [][2]float64{{}, {}}, Stds: []float64{1, 1}},
		{Weights: []float64{1}, Means: [][2]float64{{}}, Stds: []float64{0}},
		{Weights: []float64{1}, Means: [][2]float64{{math.NaN(), 0}}, Stds: []float64{1}},
	} {
		if _, err := bad.Sample(3, 1); err == nil {
			t.Errorf("mixture %+v: want an error", bad)
		}
	}
}

func TestMDNBatches(t *testing.T) {
	cfg := DefaultMDNConfig()
	cfg.Batch = 50
	bf := mdnBatches(cfg)
	in0, lab0, err := bf(3)
	if err != nil {
		t.Fatal(err)
	}
	in1, lab1, _ := bf(3)
	in2, _, _ := bf(4)
	a, b, c := tensors.MustCopyFlatData[float32](in0[0]), tensors.MustCopyFlatData[float32](in1[0]), tensors.MustCopyFlatData[float32](in2[0])
	if !slices.Equal(a, b) || !slices.Equal(tensors.MustCopyFlatData[float32](lab0[0]), tensors.MustCopyFlatData[float32](lab1[0])) {
		t.Error("the batch of a step is not reproducible")
	}
	if slices.Equal(a, c) {
		t.Error("steps 3 and 4 have the same batch")
	}
	// Labels lie on the arc; inputs are labels plus noise of std sigma.
	clean, noisy := tensorPairs(t, lab0[0]), tensorPairs(t, in0[0])
	var sq float64
	for i, x := range clean {
		if d := cfg.Prior.DistanceToArc(x); d > 1e-6 {
			t.Fatalf("label %v is %g off the arc", x, d)
		}
		sq += dist2(x, noisy[i])
	}
	// E|X~ - X|^2 = 2 sigma^2 = 0.02; with 50 pairs the sd is 0.02/sqrt(50) * sqrt(2).
	if got := sq / 50; math.Abs(got-0.02) > 4*0.02/math.Sqrt(25) {
		t.Errorf("mean squared noise %g, want ~0.02", got)
	}
	if _, _, err := bf(-1); err == nil {
		t.Error("negative step: want an error")
	}

	// With GapFocus 0.5, the first half of the batch has X~ within
	// GapWindow of the gap's centre; among plain pairs only a few do.
	cfg.GapFocus, cfg.GapWindow, cfg.Batch = 0.5, 0.1, 400
	in, lab, err := mdnBatches(cfg)(0)
	if err != nil {
		t.Fatal(err)
	}
	noisy, clean = tensorPairs(t, in[0]), tensorPairs(t, lab[0])
	inWindow := func(p [2]float64) bool { return math.Abs(math.Atan2(p[1], p[0])) < 0.1 }
	plainIn := 0
	for i, p := range noisy {
		if i < 200 && !inWindow(p) {
			t.Fatalf("focused pair %d: X~ %v outside the window", i, p)
		}
		if i >= 200 && inWindow(p) {
			plainIn++
		}
		if d := cfg.Prior.DistanceToArc(clean[i]); d > 1e-6 {
			t.Fatalf("label %v is %g off the arc", clean[i], d)
		}
	}
	// P(angle of X~ within 0.1 of the gap centre) is ~1%: 2 expected among 200.
	if plainIn > 12 {
		t.Errorf("%d of 200 plain pairs have X~ in the window: the plain half is not plain", plainIn)
	}
}

// TestTrainMDNBimodal trains a small MDN briefly and checks the point of
// the stochastic denoiser: at the query in the middle of the gap, where the
// posterior mean is 0.195 off the arc, its samples land near the arc, on
// both sides of the gap.
func TestTrainMDNBimodal(t *testing.T) {
	cfg := DefaultMDNConfig()
	cfg.Steps = train.Pick(1500, 2000)
	start := time.Now()
	res, err := TrainMDN(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s (test took %s)", res.Train, time.Since(start).Round(time.Millisecond))
	q := cfg.Prior.BimodalQuery()
	mean, err := cfg.Prior.PosteriorMean(q, cfg.Sigma)
	if err != nil {
		t.Fatal(err)
	}
	meanDist := cfg.Prior.DistanceToArc(mean)
	samples, err := res.Sample([][2]float64{q}, 2000, 3)
	if err != nil {
		t.Fatal(err)
	}
	dists := make([]float64, len(samples[0]))
	upper := 0
	for i, p := range samples[0] {
		dists[i] = cfg.Prior.DistanceToArc(p)
		if p[1] > 0 {
			upper++
		}
	}
	slices.Sort(dists)
	med := dists[len(dists)/2]
	frac := float64(upper) / float64(len(dists))
	t.Logf("bimodal query %v: posterior mean %v at %.3f from the arc; MDN samples: median distance %.4f, %.0f%% above the gap",
		q, mean, meanDist, med, 100*frac)
	if !(meanDist > 0.15) {
		t.Fatalf("posterior mean distance %g: the query is not in the bimodal regime", meanDist)
	}
	if !(med < meanDist/4) {
		t.Errorf("median distance of MDN samples to the arc %.4f, want < %.4f (a quarter of the posterior mean's)", med, meanDist/4)
	}
	if frac < 0.25 || frac > 0.75 {
		t.Errorf("%.0f%% of the samples above the gap: they should split between both arc ends", 100*frac)
	}
	mix, err := res.Mixture(q)
	if err != nil {
		t.Fatal(err)
	}
	if len(mix.Weights) != cfg.Components {
		t.Errorf("mixture has %d components, want %d", len(mix.Weights), cfg.Components)
	}
	nll, se, err := res.NLL(2000, 77)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("test NLL %.3f ± %.3f nats/point", nll, se)
	// A single isotropic Gaussian of std sigma around x~ (the noise model
	// read backwards) scores log(2 pi sigma^2) + 1 = -2.77 nats; the
	// posterior is narrower radially, so a trained MDN must do better.
	if base := math.Log(2*math.Pi*cfg.Sigma*cfg.Sigma) + 1; !(nll < base) {
		t.Errorf("test NLL %.3f is not below the naive %.3f", nll, base)
	}
}
