// A stochastic denoiser for the 2D toy: a mixture density network (MDN).
//
// The quadratic loss makes phi(x~) the posterior mean E[X | X~ = x~], which
// falls between the modes of a multi-modal posterior (in the gap of the open
// circle). The lecture's mitigations are adversarial losses and stochastic
// denoisers; this is the simplest stochastic one. The network outputs, for
// each x~, a Gaussian mixture
//
//	p(x | x~) = sum_k pi_k(x~) N(x; mu_k(x~), s_k(x~)^2 I_2),   k = 1..K,
//
// and is trained by maximum likelihood, i.e. on the negative log-likelihood
//
//	NLL = -log sum_k exp( log pi_k - |x - mu_k|^2 / (2 s_k^2) - 2 log s_k - log(2 pi) )
//
// of the clean X under the mixture predicted from X~. Its minimiser is the
// posterior p(x | x~) itself (within the mixture family), so sampling from
// it gives plausible points: near the gap, points near either end of the
// arc, not their average.

package dae

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/dlc-go/denoising/kit/layer"
	"github.com/dlc-go/denoising/kit/train"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
)

// MDNConfig holds every setting of the mixture density network (it is also
// the cache key of a trained model, except the fields tagged json:"-").
type MDNConfig struct {
	Prior OpenCircle // the prior of X
	Sigma float64    // noise level sigma of X~ = X + sigma N

	Hidden     int     // units of each of the two ReLU hidden layers
	Components int     // number K of mixture components
	MinStd     float64 // floor of the components' standard deviations s_k (> 0)

	Batch int // pairs (X~, X) per step, drawn fresh every step
	// GapFocus in [0, 1) is the fraction of each batch drawn from pairs
	// whose X~ lies near the gap (angle within GapWindow of GapCenter),
	// the rest from plain pairs. Selecting pairs on X~ alone reweights the
	// inputs but leaves the target p(x | x~) unchanged (see [mdnBatches]);
	// it shows the network the rare bimodal inputs more often.
	GapFocus float64
	// GapWindow is the half-width (radians) of that window of X~ angles
	// (> 0 when GapFocus > 0).
	GapWindow    float64
	Steps        int     // training steps
	LearningRate float64 // Adam's learning rate
	Seed         uint64  // seeds the pairs and the initial weights

	// Cache loads the trained model from kit/train's checkpoint cache when
	// present (and stores it there after training).
	Cache bool `json:"-"`
	// Progress, if set, receives kit/train's progress reports.
	Progress func(train.Progress) `json:"-"`
}

// DefaultMDNConfig returns the settings used in the notebook, on
// [DefaultOpenCircle] with sigma = 0.1: two ReLU layers of 64 units, K = 8
// isotropic components with std >= 1e-3, Adam 3e-3 on batches of 128 fresh
// pairs, half of them with X~ within 0.1 rad (~ sigma/R) of the gap's
// centre, 20000 steps (2000 under $DENOISING_BUDGET=quick), seed 1.
//
// Why the focus on the gap: there the posterior is bimodal, yet few X~
// land there (the density of X~ at the gap's centre is ~5% of that on the
// arc). Measured with these settings: trained on plain pairs (GapFocus 0)
// for 3000 steps, the network continued the arc through the gap, its
// samples at the bimodal query lying a median 0.14 from the arc; with the
// focus, after 2000 steps, 0.01, split evenly between the two arc ends. The
// price: a worse NLL on plain test pairs (-3.27 against -3.72 nats per
// point), capacity spent on rare inputs.
func DefaultMDNConfig() MDNConfig {
	return MDNConfig{
		Prior: DefaultOpenCircle(), Sigma: DefaultSigma,
		Hidden: 64, Components: 8, MinStd: 1e-3,
		Batch: 128, GapFocus: 0.5, GapWindow: 0.1,
		Steps: train.Pick(2000, 20000), LearningRate: 3e-3, Seed: 1,
	}
}

// Validate reports whether the settings are usable.
func (cfg MDNConfig) Validate() error {
	if err := cfg.Prior.Validate(); err != nil {
		return err
	}
	if err := checkSigma(cfg.Sigma); err != nil {
		return err
	}
	switch {
	case cfg.Hidden < 1:
		return fmt.Errorf("dae: MDNConfig.Hidden must be >= 1, got %d", cfg.Hidden)
	case cfg.Components < 1:
		return fmt.Errorf("dae: MDNConfig.Components must be >= 1, got %d", cfg.Components)
	case !(cfg.MinStd > 0) || math.IsInf(cfg.MinStd, 0):
		return fmt.Errorf("dae: MDNConfig.MinStd must be finite and > 0, got %g", cfg.MinStd)
	case cfg.Batch < 1:
		return fmt.Errorf("dae: MDNConfig.Batch must be >= 1, got %d", cfg.Batch)
	case !(cfg.GapFocus >= 0 && cfg.GapFocus < 1):
		return fmt.Errorf("dae: MDNConfig.GapFocus must be in [0, 1), got %g", cfg.GapFocus)
	case cfg.GapFocus > 0 && !(cfg.GapWindow > 0 && cfg.GapWindow <= math.Pi):
		return fmt.Errorf("dae: MDNConfig.GapWindow must be in (0, pi] when GapFocus > 0, got %g", cfg.GapWindow)
	case cfg.Steps < 1:
		return fmt.Errorf("dae: MDNConfig.Steps must be >= 1, got %d", cfg.Steps)
	case !(cfg.LearningRate > 0) || math.IsInf(cfg.LearningRate, 0):
		return fmt.Errorf("dae: MDNConfig.LearningRate must be finite and > 0, got %g", cfg.LearningRate)
	}
	return nil
}

// MDNHead is the mixture density network:
//
//	x~ [B, 2] -> Dense(hidden) ("hidden1") -> ReLU -> Dense(hidden) ("hidden2") -> ReLU
//	  -> Dense(4K) ("output") -> [B, 4K], split along the last axis into
//	     [0, K):   logits [B, K]     (mixture weights pi = softmax(logits))
//	     [K, 3K):  means  [B, K, 2]  (mu_k, as an offset from x~: mu_k = x~ + out)
//	     [3K, 4K): logStd [B, K]     (log s_k >= log(minStd), soft floor)
//
// The means are predicted as displacements from x~, like the denoiser's
// field phi(x~) - x~. The log-std is log(minStd) + softplus(r - log(minStd))
// of the raw output r: about r when r >> log(minStd), never below
// log(minStd), so a component cannot collapse to a point and make the NLL
// diverge. Panics (GoMLX style) if x is not [B, 2] or a size is < 1.
func MDNHead(scope *model.Scope, x *Node, hidden, k int, minStd float64) (logits, means, logStd *Node) {
	if x.Rank() != 2 || x.Shape().Dim(1) != 2 {
		panic(fmt.Sprintf("dae.MDNHead: x must be [B, 2], got %s", x.Shape()))
	}
	if hidden < 1 || k < 1 || !(minStd > 0) {
		panic(fmt.Sprintf("dae.MDNHead: need hidden >= 1, k >= 1, minStd > 0; got %d, %d, %g", hidden, k, minStd))
	}
	b := x.Shape().Dim(0)
	h := activation.Relu(layer.Dense(scope.In("hidden1"), x, hidden)) // [B, hidden]
	h = activation.Relu(layer.Dense(scope.In("hidden2"), h, hidden))  // [B, hidden]
	// One output layer for the 4K numbers, then split: one matrix product
	// instead of three (on the pure-Go backend, three small output layers
	// made a training step 2.4x slower).
	out := layer.Dense(scope.In("output"), h, 4*k)        // [B, 4K]
	logits = Slice(out, AxisRange(), AxisRange(0, k))     // [B, K]
	disp := Slice(out, AxisRange(), AxisRange(k, 3*k))    // [B, 2K]
	means = Add(Reshape(disp, b, k, 2), InsertAxes(x, 1)) // [B, K, 2]
	raw := Slice(out, AxisRange(), AxisRange(3*k, 4*k))   // [B, K]
	logMin := math.Log(minStd)
	logStd = AddScalar(Softplus(AddScalar(raw, -logMin)), logMin) // [B, K]
	return logits, means, logStd
}

// MDNNegLogLikelihood is the per-point negative log-likelihood of x under
// the isotropic Gaussian mixture (logits, means, logStd):
//
//	x:      [B, 2]
//	logits: [B, K]    (pi = softmax(logits) over K)
//	means:  [B, K, 2]
//	logStd: [B, K]    (log s_k)
//	result: [B],  -log sum_k pi_k N(x; mu_k, s_k^2 I_2)
//
// The log-sum-exp over k subtracts its maximum (held constant for the
// gradient) before exponentiating, so points many standard deviations from
// every component give a large finite NLL instead of +Inf. Panics (GoMLX
// style) on inconsistent shapes.
func MDNNegLogLikelihood(x, logits, means, logStd *Node) *Node {
	if x.Rank() != 2 || x.Shape().Dim(1) != 2 || logits.Rank() != 2 || means.Rank() != 3 || means.Shape().Dim(2) != 2 ||
		!logStd.Shape().Equal(logits.Shape()) || means.Shape().Dim(0) != logits.Shape().Dim(0) ||
		means.Shape().Dim(1) != logits.Shape().Dim(1) || x.Shape().Dim(0) != logits.Shape().Dim(0) {
		panic(fmt.Sprintf("dae.MDNNegLogLikelihood: want x [B, 2], logits [B, K], means [B, K, 2], logStd [B, K]; got %s, %s, %s, %s",
			x.Shape(), logits.Shape(), means.Shape(), logStd.Shape()))
	}
	logPi := LogSoftmax(logits, -1)                                              // [B, K]
	d2 := ReduceSum(Square(Sub(means, InsertAxes(x, 1))), -1)                    // [B, K]
	invVar := Exp(MulScalar(logStd, -2))                                         // [B, K]
	logN := Sub(MulScalar(Mul(d2, invVar), -0.5), MulScalar(logStd, 2))          // [B, K]
	a := AddScalar(Add(logPi, logN), -math.Log(2*math.Pi))                       // [B, K]
	m := StopGradient(ReduceAndKeep(a, ReduceMax, -1))                           // [B, 1]
	lse := Add(Reshape(m, m.Shape().Dim(0)), Log(ReduceSum(Exp(Sub(a, m)), -1))) // [B]
	return Neg(lse)
}

// MDNLoss is the training loss ([train.LossFn]): the mean over the batch of
// [MDNNegLogLikelihood] of labels[0] = x [B, 2] under predictions =
// {logits [B, K], means [B, K, 2], logStd [B, K]}.
func MDNLoss(labels, predictions []*Node) *Node {
	if len(labels) != 1 || len(predictions) != 3 {
		panic(fmt.Sprintf("dae.MDNLoss: want 1 label and 3 predictions (logits, means, logStd), got %d and %d",
			len(labels), len(predictions)))
	}
	return ReduceAllMean(MDNNegLogLikelihood(labels[0], predictions[0], predictions[1], predictions[2]))
}

var _ loss.LossFn = MDNLoss

// MDNModel is a [train.ModelFn] for cfg: inputs[0] = x~ [B, 2] float32 ->
// {logits [B, K], means [B, K, 2], logStd [B, K]} (see [MDNHead]).
func (cfg MDNConfig) MDNModel() train.ModelFn {
	hidden, k, minStd := cfg.Hidden, cfg.Components, cfg.MinStd
	return func(scope *model.Scope, inputs []*Node) []*Node {
		logits, means, logStd := MDNHead(scope, inputs[0], hidden, k, minStd)
		return []*Node{logits, means, logStd}
	}
}

// MDNResult is a trained mixture density network.
type MDNResult struct {
	Config MDNConfig
	// Train is kit/train's record: Store (the trained variables), the
	// per-step loss history (mean NLL of the batch, in nats per point),
	// timings, and whether it was loaded from the cache.
	Train *train.Result
}

// streamMDNStep mixes the seed and the step into the seed of each step's pairs.
const streamMDNStep = 0x6d646e2d73746570 // "mdn-step"

// mdnBatches draws every step's batch fresh, from a PCG seeded by
// (cfg.Seed, step), so batches depend only on (cfg, step) and the network
// never sees a pair twice. Of the cfg.Batch pairs (X~, X),
// round(GapFocus * Batch) are drawn from the joint law conditioned on the
// angle of X~ being within GapWindow of the gap's centre (by rejection),
// the others from the plain joint law, like [OpenCircle.Pairs].
//
// Why the conditioning on X~ is harmless: the batch's law is
// w(x~) p(x~) p(x | x~) / Z for a weight w that depends on x~ only, so the
// conditional law of X given X~ = x~, which the NLL fits, is still
// p(x | x~). Only how often each x~ is seen changes.
func mdnBatches(cfg MDNConfig) train.BatchFn {
	nFocus := int(math.Round(cfg.GapFocus * float64(cfg.Batch)))
	return func(step int) ([]*tensors.Tensor, []*tensors.Tensor, error) {
		if step < 0 {
			return nil, nil, fmt.Errorf("dae: MDN batches: step %d < 0", step)
		}
		seed := rand.New(rand.NewPCG(cfg.Seed, streamMDNStep^uint64(step))).Uint64()
		g := newPairGen(cfg.Prior, cfg.Sigma, seed)
		clean := make([][2]float64, cfg.Batch)
		noisy := make([][2]float64, cfg.Batch)
		for i := range clean {
			clean[i], noisy[i] = g.next()
			for tries := 0; i < nFocus; tries++ {
				if math.Abs(wrapAngle(math.Atan2(noisy[i][1], noisy[i][0])-cfg.Prior.GapCenter)) < cfg.GapWindow {
					break
				}
				if tries > 1_000_000 {
					return nil, nil, fmt.Errorf("dae: MDN batches: no X~ within %g rad of the gap in 1e6 pairs", cfg.GapWindow)
				}
				clean[i], noisy[i] = g.next()
			}
		}
		return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(Flatten32(noisy), cfg.Batch, 2)},
			[]*tensors.Tensor{tensors.FromFlatDataAndDimensions(Flatten32(clean), cfg.Batch, 2)}, nil
	}
}

// mdnCodeVersion is part of the cache key: bump it when the model or the
// batches change.
const mdnCodeVersion = "dae-mdn-v1"

// TrainMDN trains the mixture density network ([MDNHead]) on the toy with
// kit/train: Adam at cfg.LearningRate on [MDNLoss], cfg.Steps steps of
// cfg.Batch fresh pairs (X~, X). Deterministic for a given cfg on one
// backend. With cfg.Cache the trained model is loaded from (or saved to)
// kit/train's checkpoint cache.
func TrainMDN(cfg MDNConfig) (*MDNResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tc := train.Config{
		Name:  fmt.Sprintf("dae/mdn-k%d-sigma%g", cfg.Components, cfg.Sigma),
		Model: cfg.MDNModel(), Loss: MDNLoss, Batches: mdnBatches(cfg),
		Steps: cfg.Steps, Seed: int64(cfg.Seed), LearningRate: cfg.LearningRate,
		Progress: cfg.Progress,
	}
	var res *train.Result
	var err error
	if cfg.Cache {
		key, kerr := train.CacheKey("dae/mdn", mdnCodeVersion, cfg)
		if kerr != nil {
			return nil, kerr
		}
		res, err = train.RunCached("", key, tc)
	} else {
		res, err = train.Run(tc)
	}
	if err != nil {
		return nil, err
	}
	return &MDNResult{Config: cfg, Train: res}, nil
}

// Mixture is one isotropic Gaussian mixture in the plane, the MDN's
// p(x | x~) at one query:
//
//	p(x) = sum_k Weights[k] N(x; Means[k], Stds[k]^2 I_2).
type Mixture struct {
	Weights []float64    // [K], >= 0, summing to 1
	Means   [][2]float64 // [K]
	Stds    []float64    // [K], > 0
}

// Validate reports whether m is a usable mixture.
func (m Mixture) Validate() error {
	k := len(m.Weights)
	if k == 0 || len(m.Means) != k || len(m.Stds) != k {
		return fmt.Errorf("dae: Mixture: need K >= 1 weights, means and stds, got %d, %d, %d", k, len(m.Means), len(m.Stds))
	}
	sum := 0.0
	for i, w := range m.Weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return fmt.Errorf("dae: Mixture: weight %d is %g", i, w)
		}
		if !(m.Stds[i] > 0) || math.IsInf(m.Stds[i], 0) {
			return fmt.Errorf("dae: Mixture: std %d is %g", i, m.Stds[i])
		}
		if math.IsNaN(m.Means[i][0]+m.Means[i][1]) || math.IsInf(m.Means[i][0]+m.Means[i][1], 0) {
			return fmt.Errorf("dae: Mixture: mean %d is %v", i, m.Means[i])
		}
		sum += w
	}
	if math.Abs(sum-1) > 1e-4 {
		return fmt.Errorf("dae: Mixture: weights sum to %g, want 1", sum)
	}
	return nil
}

// Mean is the mixture's mean, sum_k pi_k mu_k.
func (m Mixture) Mean() [2]float64 {
	var out [2]float64
	for k, w := range m.Weights {
		out[0] += w * m.Means[k][0]
		out[1] += w * m.Means[k][1]
	}
	return out
}

// LogDensity is log p(x) of the mixture, computed with a max-shifted
// log-sum-exp (finite far from every component).
func (m Mixture) LogDensity(x [2]float64) float64 {
	a := make([]float64, len(m.Weights))
	amax := math.Inf(-1)
	for k, w := range m.Weights {
		s := m.Stds[k]
		a[k] = math.Log(w) - dist2(x, m.Means[k])/(2*s*s) - 2*math.Log(s) - math.Log(2*math.Pi)
		amax = math.Max(amax, a[k])
	}
	if math.IsInf(amax, -1) {
		return amax
	}
	sum := 0.0
	for _, v := range a {
		sum += math.Exp(v - amax)
	}
	return amax + math.Log(sum)
}

// sample draws n points: a component k with probability Weights[k], then
// Means[k] + Stds[k] N(0, I_2).
func (m Mixture) sample(n int, rng *rand.Rand) [][2]float64 {
	cdf := make([]float64, len(m.Weights))
	acc := 0.0
	for k, w := range m.Weights {
		acc += w
		cdf[k] = acc
	}
	out := make([][2]float64, n)
	for i := range out {
		k := sort.SearchFloat64s(cdf, rng.Float64()*acc)
		if k == len(cdf) {
			k--
		}
		s := m.Stds[k]
		out[i] = [2]float64{m.Means[k][0] + s*rng.NormFloat64(), m.Means[k][1] + s*rng.NormFloat64()}
	}
	return out
}

// Sample draws n points from the mixture (component by weight, then its
// Gaussian). The same seed gives the same points. Result: [n][2].
func (m Mixture) Sample(n int, seed uint64) ([][2]float64, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, fmt.Errorf("dae: Mixture.Sample: n must be >= 0, got %d", n)
	}
	return m.sample(n, rand.New(rand.NewPCG(seed, streamMDNSample))), nil
}

// streamMDNSample is the PCG stream of the MDN's sampling.
const streamMDNSample = 0x6d646e2d73616d70 // "mdn-samp"

// Mixtures runs the trained network on queries x~ ([n][2]) and returns the
// mixture p(x | x~) of each, in float64 (computed in float32 on kit/train's
// shared backend, in one batch).
func (r *MDNResult) Mixtures(queries [][2]float64) ([]Mixture, error) {
	if r == nil || r.Train == nil || r.Train.Store == nil {
		return nil, errors.New("dae: MDNResult: no trained model")
	}
	if len(queries) == 0 {
		return nil, nil
	}
	for i, q := range queries {
		if math.IsNaN(q[0]+q[1]) || math.IsInf(q[0]+q[1], 0) {
			return nil, fmt.Errorf("dae: MDNResult.Mixtures: query %d is %v", i, q)
		}
	}
	n, k := len(queries), r.Config.Components
	in := tensors.FromFlatDataAndDimensions(Flatten32(queries), n, 2)
	defer func() { _ = in.FinalizeAll() }()
	outs, err := train.Eval(nil, r.Train.Store, r.Config.MDNModel(), in)
	if err != nil {
		return nil, fmt.Errorf("dae: MDNResult.Mixtures: %w", err)
	}
	flat := make([][]float32, len(outs))
	for i, o := range outs {
		flat[i], err = tensors.CopyFlatData[float32](o)
		_ = o.FinalizeAll()
		if err != nil {
			return nil, fmt.Errorf("dae: MDNResult.Mixtures: %w", err)
		}
	}
	if len(flat) != 3 || len(flat[0]) != n*k || len(flat[1]) != 2*n*k || len(flat[2]) != n*k {
		return nil, fmt.Errorf("dae: MDNResult.Mixtures: unexpected outputs from the network")
	}
	logits, means, logStd := flat[0], flat[1], flat[2]
	mixes := make([]Mixture, n)
	for i := range mixes {
		m := Mixture{Weights: make([]float64, k), Means: make([][2]float64, k), Stds: make([]float64, k)}
		lmax := math.Inf(-1)
		for j := range k {
			lmax = math.Max(lmax, float64(logits[i*k+j]))
		}
		sum := 0.0
		for j := range k {
			m.Weights[j] = math.Exp(float64(logits[i*k+j]) - lmax)
			sum += m.Weights[j]
			m.Means[j] = [2]float64{float64(means[2*(i*k+j)]), float64(means[2*(i*k+j)+1])}
			m.Stds[j] = math.Exp(float64(logStd[i*k+j]))
		}
		for j := range k {
			m.Weights[j] /= sum
		}
		if err := m.Validate(); err != nil {
			return nil, fmt.Errorf("dae: MDNResult.Mixtures: query %d: %w", i, err)
		}
		mixes[i] = m
	}
	return mixes, nil
}

// Mixture is [MDNResult.Mixtures] for one query: the weights, means and
// standard deviations of p(x | x~ = query), e.g. for plotting.
func (r *MDNResult) Mixture(query [2]float64) (Mixture, error) {
	m, err := r.Mixtures([][2]float64{query})
	if err != nil {
		return Mixture{}, err
	}
	return m[0], nil
}

// Sample draws nPerQuery points from the trained p(x | x~ = q) for each
// query q: a component by its weight, then its Gaussian. The same seed
// gives the same points. Result: [len(queries)][nPerQuery][2].
func (r *MDNResult) Sample(queries [][2]float64, nPerQuery int, seed uint64) ([][][2]float64, error) {
	if nPerQuery < 0 {
		return nil, fmt.Errorf("dae: MDNResult.Sample: nPerQuery must be >= 0, got %d", nPerQuery)
	}
	mixes, err := r.Mixtures(queries)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, streamMDNSample))
	out := make([][][2]float64, len(mixes))
	for i, m := range mixes {
		out[i] = m.sample(nPerQuery, rng)
	}
	return out, nil
}

// NLL is the test negative log-likelihood of the trained MDN, in nats per
// point: the mean of -log p(X | X~) over n fresh pairs drawn by
// [OpenCircle.Pairs] with seed (use a seed other than the training one),
// and its standard error. (The true posterior lives on the arc, a curve, so
// it has no density in the plane to compare with: this number is for
// comparing MDNs, e.g. over K.)
func (r *MDNResult) NLL(n int, seed uint64) (mean, stdErr float64, err error) {
	if n < 2 {
		return 0, 0, fmt.Errorf("dae: MDNResult.NLL: n must be >= 2, got %d", n)
	}
	if r == nil {
		return 0, 0, errors.New("dae: MDNResult: no trained model")
	}
	clean, noisy, err := r.Config.Prior.Pairs(n, r.Config.Sigma, seed)
	if err != nil {
		return 0, 0, err
	}
	mixes, err := r.Mixtures(noisy)
	if err != nil {
		return 0, 0, err
	}
	var mv meanVar
	for i, m := range mixes {
		mv.add(-m.LogDensity(clean[i]))
	}
	return mv.mean, mv.stdErr(), nil
}
