package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/dlc-go/denoising/kit/layer"
	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// LearningRate is the Adam learning rate of every workload.
const LearningRate = 1e-3

// Workload is one fixed training problem: a model, its loss, a batch size
// and the reference time of the same step in a mainstream Python framework
// with an optimised BLAS on this machine.
type Workload struct {
	Name     string  // e.g. "dae_mnist"
	Batch    int     // examples per step
	InDims   []int   // one example's input dimensions, e.g. [28, 28, 1]
	OutDims  []int   // one example's label dimensions
	RefMS    float64 // reference ms per step (Python framework + optimised BLAS)
	Conv     bool    // a conv net (Go target 5x the reference) or dense (1.5x)
	LossName string  // the loss, in words

	model func(scope *model.Scope, x *Node) *Node
	loss  train.LossFn
	// labelsFromInput makes the label equal to the input (autoencoders).
	labelsFromInput bool
}

// Workloads returns the five workloads, in a fixed order: mlp2d,
// dae_mnist, upscaler, unet_n2n, sdae_layer.
func Workloads() []Workload {
	return []Workload{
		{Name: "mlp2d", Batch: 100, InDims: []int{2}, OutDims: []int{2}, RefMS: 0.31,
			LossName: "MSE", model: MLP2D, loss: loss.MeanSquaredError},
		{Name: "dae_mnist", Batch: 100, InDims: []int{28, 28, 1}, OutDims: []int{28, 28, 1}, RefMS: 136, Conv: true,
			LossName: "0.5·Σ(ŷ-y)²/B", model: DAEMNIST, loss: sumSquaresPerExample(0.5)},
		{Name: "upscaler", Batch: 100, InDims: []int{14, 14, 1}, OutDims: []int{28, 28, 1}, RefMS: 95, Conv: true,
			LossName: "Σ(ŷ-y)²/B", model: MNISTUpscaler, loss: sumSquaresPerExample(1)},
		{Name: "unet_n2n", Batch: 8, InDims: []int{64, 64, 1}, OutDims: []int{64, 64, 1}, RefMS: 198, Conv: true,
			LossName: "MSE", model: UNetN2N, loss: loss.MeanSquaredError},
		{Name: "sdae_layer", Batch: 100, InDims: []int{784}, OutDims: []int{784}, RefMS: 21,
			LossName: "cross-entropy Σ/B", model: SDAELayer, loss: binaryCrossEntropyWithLogits, labelsFromInput: true},
	}
}

// WorkloadByName returns the workload called name, or an error listing the
// valid names.
func WorkloadByName(name string) (Workload, error) {
	var names []string
	for _, w := range Workloads() {
		if w.Name == name {
			return w, nil
		}
		names = append(names, w.Name)
	}
	return Workload{}, fmt.Errorf("bench: unknown workload %q (known: %s)", name, strings.Join(names, ", "))
}

// sumSquaresPerExample returns the loss scale·Σ(ŷ-y)²/B over a batch of B.
func sumSquaresPerExample(scale float64) train.LossFn {
	return func(labels, predictions []*Node) *Node {
		d := Sub(predictions[0], labels[0])
		b := float64(d.Shape().Dim(0))
		return MulScalar(ReduceAllSum(Square(d)), scale/b)
	}
}

// binaryCrossEntropyWithLogits is Σ_i [softplus(z_i) - y_i z_i] / B, the
// cross-entropy of sigmoid(z) against targets y in [0, 1], in the stable
// form max(z,0) - y z + log(1 + exp(-|z|)).
func binaryCrossEntropyWithLogits(labels, predictions []*Node) *Node {
	z, y := predictions[0], labels[0]
	zero := ScalarZero(z.Graph(), z.DType())
	l := Add(Sub(Max(z, zero), Mul(y, z)), Log1p(Exp(Neg(Abs(z)))))
	return MulScalar(ReduceAllSum(l), 1/float64(z.Shape().Dim(0)))
}

// Session holds a compiled training step of one workload and a fixed
// random batch.
type Session struct {
	W       Workload
	backend compute.Backend
	store   *model.Store
	trainer *train.Trainer
	macs    int64 // forward multiply-accumulates (layer.MACs)
	in, lbl []float32
}

// NewSession prepares w for training on b: a fresh model store seeded with
// seed, Adam (lr [LearningRate]) and a fixed batch of uniform [0, 1) data
// drawn from seed. The graph compiles on the first [Session.Step].
func NewSession(b compute.Backend, w Workload, seed uint64) (*Session, error) {
	if w.model == nil {
		return nil, fmt.Errorf("bench: workload %q has no model (use Workloads())", w.Name)
	}
	store := model.NewStore()
	if err := layer.SetSeed(store, int64(seed)); err != nil {
		return nil, fmt.Errorf("bench: seeding %s: %w", w.Name, err)
	}
	s := &Session{W: w, backend: b, store: store}
	modelFn := func(scope *model.Scope, x *Node) *Node {
		before := layer.MACs(x.Graph())
		y := w.model(scope, x)
		s.macs = layer.MACs(x.Graph()) - before
		return y
	}
	s.trainer = train.NewTrainer(b, store, modelFn, w.loss,
		optimizer.Adam().LearningRate(LearningRate).Done(), nil, nil)
	rng := rand.New(rand.NewPCG(seed, 0x62656e6368))
	s.in = uniform(rng, w.Batch*prod(w.InDims))
	if w.labelsFromInput {
		s.lbl = s.in
	} else {
		s.lbl = uniform(rng, w.Batch*prod(w.OutDims))
	}
	return s, nil
}

// Step runs one training step on the session's batch and returns the
// batch loss (before the update).
func (s *Session) Step() (lossValue float32, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bench: %s step: %v", s.W.Name, r)
		}
	}()
	in := tensors.FromFlatDataAndDimensions(s.in, append([]int{s.W.Batch}, s.W.InDims...)...)
	lbl := tensors.FromFlatDataAndDimensions(s.lbl, append([]int{s.W.Batch}, s.W.OutDims...)...)
	metrics, err := s.trainer.TrainStep(train.Batch{Inputs: []*tensors.Tensor{in}, Labels: []*tensors.Tensor{lbl}})
	if err != nil {
		return 0, fmt.Errorf("bench: %s step: %w", s.W.Name, err)
	}
	v := tensors.ToScalar[float32](metrics[0])
	for _, m := range metrics {
		m.MustFinalizeAll()
	}
	return v, nil
}

// ForwardFLOPs returns 2·MACs of the dense and conv layers of one forward
// pass over a batch; it is known once the step has been built (after the
// first [Session.Step]), 0 before.
func (s *Session) ForwardFLOPs() int64 { return 2 * s.macs }

// Finalize releases the store's variables (the trainer's compiled graphs
// are freed with it by the garbage collector).
func (s *Session) Finalize() { s.store.Finalize() }

// Result is the measurement of one workload on one backend.
type Result struct {
	Workload   string
	Backend    string  // backend name, e.g. "go" or "onnx:cpu" config
	SIMD       bool    // whether GoMLX's SIMD kernels were compiled in
	Steps      int     // timed steps
	MedianMS   float64 // median wall time per training step
	RefMS      float64 // reference ms per step
	Target     float64 // allowed ratio MedianMS/RefMS for the pure-Go backend
	ImagesPerS float64 // Batch / median step time
	StepFLOPs  int64   // 3 x forward FLOPs (see package doc)
	GFLOPS     float64 // StepFLOPs / median step time
	PeakRSSMB  float64 // peak resident set size (VmHWM) while running this workload, MiB
	CompileS   float64 // first step (graph build + compile + run), seconds
	FirstLoss  float32 // loss of the first step
	LastLoss   float32 // loss of the last timed step
	// ProbeGFLOPS is the backend's speed on one 3x3 convolution just
	// before the workload ran (see Probe): on a shared machine whose
	// capacity varies, GFLOPS/ProbeGFLOPS compares runs taken at different
	// moments.
	ProbeGFLOPS float64
}

// ProbeDims are the input [B, H, W, C] of Probe's convolution (3x3,
// "same", C -> C channels): 0.6 GFLOP, a U-Net layer.
var ProbeDims = [4]int{8, 32, 32, 64}

// Probe returns the GFLOP/s of b on one float32 3x3 convolution of
// ProbeDims (median of five after a warm-up run): what the machine
// delivers on the conv nets' main operation at this moment.
func Probe(b compute.Backend) (float64, error) {
	d := ProbeDims
	exec, err := NewExec(b, func(x, k *Node) *Node { return layer.Conv2D(x, k, 1, layer.Same()) })
	if err != nil {
		return 0, err
	}
	defer exec.Finalize()
	rng := rand.New(rand.NewPCG(1, 2))
	rnd := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	x := tensors.FromFlatDataAndDimensions(rnd(d[0]*d[1]*d[2]*d[3]), d[0], d[1], d[2], d[3])
	k := tensors.FromFlatDataAndDimensions(rnd(9*d[3]*d[3]), 3, 3, d[3], d[3])
	times := make([]float64, 6)
	for i := range times {
		t := time.Now()
		out, err := exec.Exec(x, k)
		if err != nil {
			return 0, err
		}
		times[i] = time.Since(t).Seconds()
		for _, o := range out {
			o.FinalizeAll()
		}
	}
	times = times[1:]
	slices.Sort(times)
	flops := 2.0 * float64(d[0]*d[1]*d[2]*9*d[3]*d[3])
	return flops / times[len(times)/2] / 1e9, nil
}

// Ratio is MedianMS / RefMS.
func (r Result) Ratio() float64 { return r.MedianMS / r.RefMS }

// Run measures w on b: one compile step, warmup more steps, then steps
// timed steps; MedianMS is their median. Peak RSS is reset (Linux
// /proc/self/clear_refs) before the workload when possible, so it is the
// peak of this workload alone, else the process peak so far.
func Run(b compute.Backend, w Workload, warmup, steps int) (Result, error) {
	if steps < 1 || warmup < 0 {
		return Result{}, fmt.Errorf("bench: need steps >= 1 and warmup >= 0, got %d, %d", steps, warmup)
	}
	probe, err := Probe(b)
	if err != nil {
		return Result{}, fmt.Errorf("bench: conv probe: %w", err)
	}
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	s, err := NewSession(b, w, 1)
	if err != nil {
		return Result{}, err
	}
	defer s.Finalize()
	t0 := time.Now()
	first, err := s.Step()
	if err != nil {
		return Result{}, err
	}
	compile := time.Since(t0)
	for range warmup {
		if _, err := s.Step(); err != nil {
			return Result{}, err
		}
	}
	times := make([]float64, steps)
	var last float32
	for i := range times {
		t := time.Now()
		if last, err = s.Step(); err != nil {
			return Result{}, err
		}
		times[i] = float64(time.Since(t).Microseconds()) / 1000
	}
	if math.IsNaN(float64(last)) || math.IsInf(float64(last), 0) {
		return Result{}, fmt.Errorf("bench: %s: loss is %v", w.Name, last)
	}
	slices.Sort(times)
	med := times[len(times)/2]
	if len(times)%2 == 0 {
		med = (times[len(times)/2-1] + times[len(times)/2]) / 2
	}
	target := 1.5
	if w.Conv {
		target = 5
	}
	r := Result{
		Workload: w.Name, Backend: b.Name(), SIMD: backend.SIMD, Steps: steps, MedianMS: med,
		RefMS: w.RefMS, Target: target, ImagesPerS: float64(w.Batch) / (med / 1000),
		StepFLOPs: 3 * s.ForwardFLOPs(), PeakRSSMB: PeakRSSMB(), CompileS: compile.Seconds(),
		FirstLoss: first, LastLoss: last, ProbeGFLOPS: probe,
	}
	r.GFLOPS = float64(r.StepFLOPs) / (med / 1000) / 1e9
	return r, nil
}

// Markdown formats results as one Markdown table (header included).
func Markdown(results []Result) string {
	var sb strings.Builder
	sb.WriteString("| workload | backend | SIMD | ms/step | ref ms | ratio | target | images/s | GFLOP/step | GFLOP/s | probe GFLOP/s | peak RSS MiB | first step s |\n")
	sb.WriteString("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		simd := "off"
		if r.SIMD {
			simd = "on"
		}
		fmt.Fprintf(&sb, "| %s | %s | %s | %.2f | %.2f | %.2fx | %.1fx | %.0f | %.3f | %.1f | %.0f | %.0f | %.1f |\n",
			r.Workload, r.Backend, simd, r.MedianMS, r.RefMS, r.Ratio(), r.Target, r.ImagesPerS,
			float64(r.StepFLOPs)/1e9, r.GFLOPS, r.ProbeGFLOPS, r.PeakRSSMB, r.CompileS)
	}
	return sb.String()
}

// PeakRSSMB returns the process's peak resident set size (VmHWM of
// /proc/self/status) in MiB, or 0 where it cannot be read.
func PeakRSSMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest) // "123456 kB"
			if len(f) >= 1 {
				kb, err := strconv.ParseFloat(f[0], 64)
				if err == nil {
					return kb / 1024
				}
			}
		}
	}
	return 0
}

// resetPeakRSS resets VmHWM to the current RSS (Linux >= 4.0); errors are
// ignored (the peak then covers the whole process).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func uniform(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = rng.Float32()
	}
	return v
}

func prod(d []int) int {
	n := 1
	for _, v := range d {
		n *= v
	}
	return n
}
