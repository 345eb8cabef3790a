package layer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dlc-go/denoising/kit/backend"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// opCase is one op under test: inputs (x first, then kernels/biases), the
// graph under test and its float64 reference.
type opCase struct {
	name string
	dims [][]int
	fn   func(in []*Node) *Node
	ref  func(in []arr) arr
}

func convCase(k, kw, stride int, pad Padding, cout int, xd ...int) opCase {
	top, bottom, left, right := pad.Top, pad.Bottom, pad.Left, pad.Right
	if pad.Same {
		top, bottom = samePads(xd[1], k, stride)
		left, right = samePads(xd[2], kw, stride)
	}
	return opCase{
		name: fmt.Sprintf("Conv2D k%dx%d s%d %s x%v->%d", k, kw, stride, pad, xd, cout),
		dims: [][]int{xd, {k, kw, xd[3], cout}},
		fn:   func(in []*Node) *Node { return Conv2D(in[0], in[1], stride, pad) },
		ref: func(in []arr) arr {
			return refConv2D(in[0], in[1], stride, top, bottom, left, right)
		},
	}
}

func convTCase(k, stride int, pad Padding, outPad, cout int, xd ...int) opCase {
	return opCase{
		name: fmt.Sprintf("ConvTranspose2D k%d s%d %s op%d x%v->%d", k, stride, pad, outPad, xd, cout),
		dims: [][]int{xd, {k, k, xd[3], cout}},
		fn:   func(in []*Node) *Node { return ConvTranspose2D(in[0], in[1], stride, pad, outPad) },
		ref: func(in []arr) arr {
			return refConvTranspose2D(in[0], in[1], stride, pad.Top, pad.Bottom, pad.Left, pad.Right, outPad)
		},
	}
}

// opCases lists every op of the package with several shapes: kernels 1-5
// (even and odd, one non-square), strides 1/2/3, valid/same/explicit
// (asymmetric) padding, output padding, non-square inputs, B and C > 1.
func opCases() []opCase {
	cs := []opCase{
		convCase(3, 3, 1, Valid, 2, 2, 7, 6, 3),
		convCase(2, 2, 1, Valid, 3, 2, 5, 6, 2),
		convCase(4, 4, 1, Same(), 2, 1, 6, 7, 2),
		convCase(5, 5, 1, Same(), 2, 2, 6, 7, 2),
		convCase(4, 4, 2, PadAll(1), 2, 2, 8, 7, 3),
		convCase(4, 4, 2, Same(), 2, 2, 7, 9, 2),
		convCase(3, 3, 2, Same(), 3, 1, 7, 8, 2),
		convCase(2, 2, 2, Valid, 1, 1, 6, 6, 1),
		convCase(3, 3, 3, Pads(0, 2, 1, 0), 2, 2, 8, 7, 2),
		convCase(5, 5, 3, PadAll(2), 2, 1, 9, 10, 2),
		convCase(1, 1, 1, Valid, 3, 2, 3, 4, 2),
		convCase(2, 3, 1, Pads(1, 0, 0, 2), 2, 2, 5, 4, 2),
		convTCase(4, 2, PadAll(1), 0, 2, 2, 4, 5, 3),
		convTCase(3, 2, PadAll(1), 1, 3, 2, 4, 3, 2),
		convTCase(2, 2, Valid, 0, 2, 1, 3, 4, 2),
		convTCase(5, 1, PadAll(2), 0, 2, 2, 5, 4, 2),
		convTCase(3, 3, Valid, 2, 2, 1, 3, 3, 2),
		convTCase(4, 1, Pads(1, 2, 0, 1), 0, 3, 2, 3, 4, 2),
		convTCase(5, 3, PadAll(1), 1, 2, 1, 3, 2, 3),
		// With im2colMinOut (8) output channels the Go backend takes the
		// im2col path (hand-written input gradient): these cases check it.
		convCase(5, 5, 1, Valid, im2colMinOut, 2, 9, 8, 2),
		convCase(3, 3, 1, Same(), im2colMinOut, 2, 6, 7, 2),
		convCase(4, 4, 2, Valid, im2colMinOut, 2, 9, 8, 2),
		convCase(3, 3, 2, Same(), im2colMinOut, 1, 7, 8, 3),
		convCase(2, 3, 3, Pads(1, 0, 0, 2), im2colMinOut, 2, 7, 6, 2),
		convTCase(4, 2, PadAll(1), 0, im2colMinOut, 2, 4, 5, 2),
		convTCase(3, 2, Valid, 1, im2colMinOut, 2, 3, 4, 2),
		convTCase(5, 1, Valid, 0, im2colMinOut, 2, 4, 3, 2),
		{
			name: "Conv2D+bias k3 s1 same x[2 5 4 2]->3",
			dims: [][]int{{2, 5, 4, 2}, {3, 3, 2, 3}, {3}},
			fn:   func(in []*Node) *Node { return addBias(Conv2D(in[0], in[1], 1, Same()), in[2]) },
			ref:  func(in []arr) arr { return refAddBias(refConv2D(in[0], in[1], 1, 1, 1, 1, 1), in[2]) },
		},
		{
			name: "ConvTranspose2D+bias k4 s2 pad1 x[2 3 3 2]->2",
			dims: [][]int{{2, 3, 3, 2}, {4, 4, 2, 2}, {2}},
			fn: func(in []*Node) *Node {
				return addBias(ConvTranspose2D(in[0], in[1], 2, PadAll(1), 0), in[2])
			},
			ref: func(in []arr) arr {
				return refAddBias(refConvTranspose2D(in[0], in[1], 2, 1, 1, 1, 1, 0), in[2])
			},
		},
		{
			name: "Dense x[3 5]->4",
			dims: [][]int{{3, 5}, {5, 4}, {4}},
			fn:   func(in []*Node) *Node { return denseFn(in[0], in[1], in[2]) },
			ref:  func(in []arr) arr { return refAddBias(refDense(in[0], in[1]), in[2]) },
		},
		{
			name: "Dense x[2 3 5]->4 (rank 3)",
			dims: [][]int{{2, 3, 5}, {5, 4}, {4}},
			fn:   func(in []*Node) *Node { return denseFn(in[0], in[1], in[2]) },
			ref:  func(in []arr) arr { return refAddBias(refDense(in[0], in[1]), in[2]) },
		},
		{
			name: "Pad2D (1,2,0,3) x[2 3 4 2]",
			dims: [][]int{{2, 3, 4, 2}},
			fn:   func(in []*Node) *Node { return Pad2D(in[0], 1, 2, 0, 3) },
			ref:  func(in []arr) arr { return refPad2D(in[0], 1, 2, 0, 3) },
		},
		{
			name: "MaxPool2D k2 x[2 4 6 3]",
			dims: [][]int{{2, 4, 6, 3}},
			fn:   func(in []*Node) *Node { return MaxPool2D(in[0], 2) },
			ref:  func(in []arr) arr { return refPool(in[0], 2, true) },
		},
		{
			name: "MaxPool2D k3 x[1 6 3 2]",
			dims: [][]int{{1, 6, 3, 2}},
			fn:   func(in []*Node) *Node { return MaxPool2D(in[0], 3) },
			ref:  func(in []arr) arr { return refPool(in[0], 3, true) },
		},
		{
			name: "MeanPool2D k2 x[2 4 6 3]",
			dims: [][]int{{2, 4, 6, 3}},
			fn:   func(in []*Node) *Node { return MeanPool2D(in[0], 2) },
			ref:  func(in []arr) arr { return refPool(in[0], 2, false) },
		},
		{
			name: "UpsampleNearest2x x[2 3 4 2]",
			dims: [][]int{{2, 3, 4, 2}},
			fn:   func(in []*Node) *Node { return UpsampleNearest2x(in[0]) },
			ref:  func(in []arr) arr { return refUpsample(in[0], 2) },
		},
		{
			name: "UpsampleNearest 3x x[1 2 3 2]",
			dims: [][]int{{1, 2, 3, 2}},
			fn:   func(in []*Node) *Node { return UpsampleNearest(in[0], 3) },
			ref:  func(in []arr) arr { return refUpsample(in[0], 3) },
		},
		{
			name: "LeakyReLU 0.2 x[2 3 4 2]",
			dims: [][]int{{2, 3, 4, 2}},
			fn:   func(in []*Node) *Node { return LeakyReLU(in[0], 0.2) },
			ref:  func(in []arr) arr { return refLeaky(in[0], 0.2) },
		},
	}
	return cs
}

func (c opCase) inputs(seed uint64) []arr {
	rng := rand.New(rand.NewPCG(seed, 7))
	in := make([]arr, len(c.dims))
	for i, d := range c.dims {
		in[i] = randArr(rng, d...)
	}
	return in
}

// forward runs the op on backend b in float64 (or float32) and returns the output.
func (c opCase) forward(b compute.Backend, in []arr, f32 bool) (arr, error) {
	args := make([]any, len(in))
	for i, a := range in {
		if f32 {
			args[i] = a.tensor32()
		} else {
			args[i] = a.tensor64()
		}
	}
	outs, err := ExecOnceN(b, func(nodes []*Node) []*Node { return []*Node{c.fn(nodes)} }, args...)
	if err != nil {
		return arr{}, err
	}
	return fromTensor(outs[0]), nil
}

// TestForward compares every op (float64) with its nested-loop reference
// on every backend; and a float32 run with the same reference.
func TestForward(t *testing.T) {
	forBackends(t, func(t *testing.T, b compute.Backend) {
		for i, c := range opCases() {
			in := c.inputs(uint64(i))
			want := c.ref(in)
			for _, f32 := range []bool{false, true} {
				got, err := c.forward(b, in, f32)
				if err != nil {
					t.Errorf("%s (f32=%v): %v", c.name, f32, err)
					continue
				}
				rel, err := maxRelDiff(got, want)
				tol := 1e-12
				if f32 {
					tol = 1e-5
				}
				if err != nil || rel > tol {
					t.Errorf("%s (f32=%v): max relative diff %.3g > %g (%v)", c.name, f32, rel, tol, err)
				}
			}
		}
	})
}

// gradResult is one row of the gradient table.
type gradResult struct {
	op, backend string
	fwdRel      float64   // forward max relative diff vs reference
	gradRel     []float64 // per input: max|grad - FD| / max|FD|
	err         error
}

// checkGrad computes, in float64 on backend b, the gradient of
// loss = sum(op(in) * R) for a fixed random R with graph.Gradient, and
// compares it with central finite differences of the same graph
// (h = 1e-5) on up to maxProbe entries of every input.
func checkGrad(b compute.Backend, c opCase, seed uint64) (res gradResult) {
	const h, maxProbe = 1e-5, 48
	res.op = c.name
	in := c.inputs(seed)
	want := c.ref(in)
	rng := rand.New(rand.NewPCG(seed, 99))
	r := randArr(rng, want.dims...)
	lossFn := func(nodes []*Node) *Node {
		out := c.fn(nodes)
		return ReduceAllSum(Mul(out, Const(out.Graph(), r.tensor64())))
	}
	gradExec, err := NewExec(b, func(nodes []*Node) []*Node {
		out := c.fn(nodes)
		loss := ReduceAllSum(Mul(out, Const(out.Graph(), r.tensor64())))
		return append([]*Node{out}, Gradient(loss, nodes...)...)
	})
	if err != nil {
		res.err = err
		return
	}
	defer gradExec.Finalize()
	lossExec, err := NewExec(b, func(nodes []*Node) *Node { return lossFn(nodes) })
	if err != nil {
		res.err = err
		return
	}
	defer lossExec.Finalize()
	args := func(in []arr) []any {
		a := make([]any, len(in))
		for i, x := range in {
			a[i] = x.tensor64()
		}
		return a
	}
	outs, err := gradExec.Exec(args(in)...)
	if err != nil {
		res.err = err
		return
	}
	if res.fwdRel, err = maxRelDiff(fromTensor(outs[0]), want); err != nil {
		res.err = err
		return
	}
	loss := func(in []arr) float64 {
		o, err := lossExec.Exec(args(in)...)
		if err != nil {
			panic(err)
		}
		return fromTensor(o[0]).data[0]
	}
	for i := range in {
		grad := fromTensor(outs[1+i])
		probes := rng.Perm(len(in[i].data))
		if len(probes) > maxProbe {
			probes = probes[:maxProbe]
		}
		var diff, scale float64
		for _, p := range probes {
			orig := in[i].data[p]
			in[i].data[p] = orig + h
			lp := loss(in)
			in[i].data[p] = orig - h
			lm := loss(in)
			in[i].data[p] = orig
			fd := (lp - lm) / (2 * h)
			diff = max(diff, math.Abs(grad.data[p]-fd))
			scale = max(scale, math.Abs(fd))
		}
		if scale == 0 {
			res.err = fmt.Errorf("input %d: finite differences are all zero, the check cannot fail", i)
			return
		}
		res.gradRel = append(res.gradRel, diff/scale)
	}
	return res
}

// TestGradTable checks forward values and gradients (w.r.t. every input:
// x, kernel, bias) of every op against finite differences on every
// backend, and prints the table
// (`GOEXPERIMENT=simd go test ./kit/layer -run TestGradTable -v`).
func TestGradTable(t *testing.T) {
	const fwdTol, gradTol = 1e-12, 1e-6
	var rows []gradResult
	forBackends(t, func(t *testing.T, b compute.Backend) {
		for i, c := range opCases() {
			res := checkGrad(b, c, uint64(100+i))
			res.backend = b.Name()
			rows = append(rows, res)
			if res.err != nil {
				t.Errorf("%s: %v", c.name, res.err)
				continue
			}
			if res.fwdRel > fwdTol {
				t.Errorf("%s: forward max relative diff %.3g > %g", c.name, res.fwdRel, fwdTol)
			}
			for j, g := range res.gradRel {
				if g > gradTol {
					t.Errorf("%s: gradient w.r.t. input %d: max relative error %.3g > %g", c.name, j, g, gradTol)
				}
			}
		}
	})
	t.Log("\n" + formatGradTable(rows))
}

// formatGradTable renders rows as a Markdown table.
func formatGradTable(rows []gradResult) string {
	var sb strings.Builder
	sb.WriteString("| op | backend | forward ok (max rel diff) | grad x | grad kernel/w | grad bias |\n")
	sb.WriteString("|---|---|---|---|---|---|\n")
	for _, r := range rows {
		if r.err != nil {
			fmt.Fprintf(&sb, "| %s | %s | error: %v | | | |\n", r.op, r.backend, r.err)
			continue
		}
		ok := "yes"
		if r.fwdRel > 1e-12 {
			ok = "NO"
		}
		cells := []string{"-", "-", "-"}
		for j, g := range r.gradRel {
			cells[j] = fmt.Sprintf("%.1e", g)
		}
		fmt.Fprintf(&sb, "| %s | %s | %s (%.1e) | %s | %s | %s |\n", r.op, r.backend, ok, r.fwdRel, cells[0], cells[1], cells[2])
	}
	return sb.String()
}

// TestHandComputed checks tiny cases worked out by hand (1D along H, W = 1).
func TestHandComputed(t *testing.T) {
	forBackends(t, func(t *testing.T, b compute.Backend) {
		run := func(name string, fn func(x, k *Node) *Node, x, k []float64, kDims []int, want []float64) {
			t.Helper()
			xt := tensors.FromFlatDataAndDimensions(x, 1, len(x), 1, 1)
			kt := tensors.FromFlatDataAndDimensions(k, kDims...)
			out, err := ExecOnce(b, fn, xt, kt)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := fromTensor(out).data
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s: got %v, want %v", name, got, want)
			}
		}
		x5 := []float64{1, 2, 3, 4, 5}
		// Even kernel [1, 10], stride 2, valid: [1+20, 3+40].
		run("conv k2 s2", func(x, k *Node) *Node { return Conv2D(x, k, 2, Valid) },
			x5, []float64{1, 10}, []int{2, 1, 1, 1}, []float64{21, 43})
		// Same padding with k2, s1: total pad 1, top 0, bottom 1.
		run("conv k2 same", func(x, k *Node) *Node { return Conv2D(x, k, 1, Same()) },
			x5, []float64{1, 10}, []int{2, 1, 1, 1}, []float64{21, 32, 43, 54, 5})
		// Transposed: x=[1,2], k=[1,10,100], s=2: full output
		// [1, 10, 100+2, 20, 200]; padding 1 crops one each side.
		k3 := []float64{1, 10, 100}
		run("convT k3 s2", func(x, k *Node) *Node { return ConvTranspose2D(x, k, 2, Valid, 0) },
			[]float64{1, 2}, k3, []int{3, 1, 1, 1}, []float64{1, 10, 102, 20, 200})
		run("convT k3 s2 p1", func(x, k *Node) *Node { return ConvTranspose2D(x, k, 2, Pads(1, 1, 0, 0), 0) },
			[]float64{1, 2}, k3, []int{3, 1, 1, 1}, []float64{10, 102, 20})
		// outputPadding 1 adds a row at the bottom (gets 200) and, as it
		// applies to both axes, a zero column on the right: out is [1,4,2,1].
		run("convT k3 s2 p1 op1", func(x, k *Node) *Node {
			return ConvTranspose2D(x, k, 2, Pads(1, 1, 0, 0), 1)
		}, []float64{1, 2}, k3, []int{3, 1, 1, 1}, []float64{10, 0, 102, 0, 20, 0, 200, 0})
	})
}

// TestConvTransposeIsAdjoint checks <Conv2D(x, k), y> = <x, ConvTranspose2D(y, k')>
// with k' = k with its channel axes swapped, same stride and padding, for
// sizes where the transposed conv gives back x's size (output padding
// chosen accordingly).
func TestConvTransposeIsAdjoint(t *testing.T) {
	forBackends(t, func(t *testing.T, b compute.Backend) {
		for i, tc := range []struct {
			h, w, k, s, p int
		}{{7, 9, 3, 2, 1}, {8, 6, 4, 2, 1}, {9, 9, 5, 3, 2}, {6, 5, 2, 1, 0}} {
			rng := rand.New(rand.NewPCG(uint64(i), 3))
			ho := (tc.h+2*tc.p-tc.k)/tc.s + 1
			wo := (tc.w+2*tc.p-tc.k)/tc.s + 1
			opH := tc.h - ((ho-1)*tc.s - 2*tc.p + tc.k)
			opW := tc.w - ((wo-1)*tc.s - 2*tc.p + tc.k)
			if opH != opW {
				t.Fatalf("case %d: test needs equal output paddings, got %d, %d", i, opH, opW)
			}
			x := randArr(rng, 2, tc.h, tc.w, 3)
			k := randArr(rng, tc.k, tc.k, 3, 2)
			y := randArr(rng, 2, ho, wo, 2)
			outs, err := ExecOnceN(b, func(x, k, y *Node) []*Node {
				lhs := ReduceAllSum(Mul(Conv2D(x, k, tc.s, PadAll(tc.p)), y))
				kt := TransposeAllAxes(k, 0, 1, 3, 2)
				rhs := ReduceAllSum(Mul(x, ConvTranspose2D(y, kt, tc.s, PadAll(tc.p), opH)))
				return []*Node{lhs, rhs}
			}, x.tensor64(), k.tensor64(), y.tensor64())
			if err != nil {
				t.Fatal(err)
			}
			l, r := fromTensor(outs[0]).data[0], fromTensor(outs[1]).data[0]
			if math.Abs(l-r) > 1e-12*max(1, math.Abs(l)) {
				t.Errorf("case %+v: <Conv x, y> = %.15g, <x, ConvT y> = %.15g", tc, l, r)
			}
		}
	})
}

// TestIm2colCasesTakeIm2colPath makes sure the gradient table really checks
// the im2col path on the Go backend: the cases with im2colMinOut output
// channels must select it there (else they would silently test the shift path).
func TestIm2colCasesTakeIm2colPath(t *testing.T) {
	b, _, err := backend.NewWithConfig(backend.Default)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range opCases() {
		if len(c.dims) != 2 || len(c.dims[1]) != 4 || c.dims[1][3] != im2colMinOut {
			continue
		}
		n++
		g := NewGraph(b, "im2col-path")
		x := Parameter(g, "x", shapes.Make(dtypes.Float64, c.dims[0]...))
		k := c.dims[1]
		if !im2colOK(x, k[0], k[1], c.dims[0][1], c.dims[0][2], im2colMinOut) {
			t.Errorf("%s: does not take the im2col path on %s", c.name, b.Name())
		}
		g.Finalize()
	}
	if n < 8 {
		t.Fatalf("found %d im2col cases, want 8", n)
	}
}
