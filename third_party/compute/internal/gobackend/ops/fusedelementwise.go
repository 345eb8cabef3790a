// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

package ops

// Elementwise fusion (denoising fork).
//
// The Go backend executes a graph one node at a time, and every elementwise
// node is one pass over memory: the Adam update of a 784x1000 weight matrix
// is about 14 such passes (moments, debiasing, square root, division, ...),
// each reading one or two 3 MB tensors and writing a third. On a
// memory-bound CPU that, not the arithmetic, is the cost.
//
// FuseElementwise is a compile-time graph transformation that finds trees of
// float32 elementwise nodes whose interior results have exactly one consumer
// and rewrites the tree's root into one OpTypeFusedElementwise node. The
// executor evaluates the tree chunk by chunk (chunkSize elements, so the
// intermediate values stay in the L1 cache), splits the chunks over the
// CPU cores, and writes only the root's result (in place over a donated
// input when one is available). Every instruction computes exactly what the
// unfused executor computes (same float32/float64 formulas), so fused and
// unfused graphs give bit-identical results: the tests check this.

import (
	"math"
	"os"
	"slices"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/internal/gobackend"
	"github.com/gomlx/compute/shapes"
	"github.com/pkg/errors"
)

// DisableElementwiseFusion turns the fusion pass off (for comparisons and
// benchmarks). It is also set when the environment variable
// GOBACKEND_NO_FUSION is non-empty at start-up.
var DisableElementwiseFusion = os.Getenv("GOBACKEND_NO_FUSION") != ""

func init() {
	// Priority below ImplicitBroadcastFusion (100): runs after it, so
	// broadcasts of scalars already feed the binary ops directly.
	gobackend.RegisterTransformation(10, &FuseElementwise{})
	gobackend.SetNodeExecutor(compute.OpTypeFusedElementwise, gobackend.PriorityGeneric, execFusedElementwise)
}

// fusedUnary and fusedBinary list the ops the fused executor implements.
var (
	fusedUnary = map[compute.OpType]bool{
		compute.OpTypeNeg: true, compute.OpTypeAbs: true, compute.OpTypeSign: true,
		compute.OpTypeSqrt: true, compute.OpTypeRsqrt: true, compute.OpTypeExp: true,
		compute.OpTypeExpm1: true, compute.OpTypeLog: true, compute.OpTypeLog1p: true,
		compute.OpTypeLogistic: true, compute.OpTypeTanh: true,
	}
	fusedBinary = map[compute.OpType]bool{
		compute.OpTypeAdd: true, compute.OpTypeSub: true, compute.OpTypeMul: true,
		compute.OpTypeDiv: true, compute.OpTypeMax: true, compute.OpTypeMin: true,
		compute.OpTypePow: true,
	}
	// fusedCompare are comparisons of float32 values; their Bool results
	// live in the fused registers as 1 or 0 and feed Where. They are
	// recomputed in every tree that uses them (rematerialized): they read
	// their inputs once and cost one comparison per element.
	fusedCompare = map[compute.OpType]bool{
		compute.OpTypeGreaterOrEqual: true, compute.OpTypeGreaterThan: true,
		compute.OpTypeLessOrEqual: true, compute.OpTypeLessThan: true,
		compute.OpTypeEqual: true, compute.OpTypeNotEqual: true,
	}
)

// sameDims reports whether a and b have the same dimensions (any dtypes).
func sameDims(a, b shapes.Shape) bool {
	return a.Rank() == b.Rank() && slices.Equal(a.Dimensions, b.Dimensions)
}

// rematerialized reports whether n is copied into every fused tree that
// uses it, whatever its number of uses: comparisons and single values
// broadcast to a shape (ZerosLike and friends). Neither is ever a root.
func rematerialized(n *gobackend.Node) bool {
	return fusedCompare[n.OpType] || n.OpType == compute.OpTypeBroadcastInDim
}

// fusedOperand refers to an instruction's result (Reg >= 0) or to one of
// the node's inputs (Input >= 0, Reg == -1).
type fusedOperand struct {
	Reg, Input int
}

// fusedInstr is one elementwise op of a fused tree. A BroadcastInDim of a
// single value is kept as an instruction with one operand.
type fusedInstr struct {
	Op   compute.OpType
	Args []fusedOperand
}

// FusedElementwiseData is the Data of an OpTypeFusedElementwise node: the
// instructions in evaluation order (the last one is the result) and, per
// node input, its period: 0 for an input of the node's shape, 1 for a
// single value broadcast to every element, p > 1 for an input broadcast
// along leading axes (shape [1, ..., 1, d_j, ..., d_n] against the node's
// [..., d_j, ..., d_n], e.g. a bias of C channels added to [B, H, W, C]),
// whose flat element i%p goes with the node's element i.
type FusedElementwiseData struct {
	Instrs      []fusedInstr
	InputPeriod []int
}

// broadcastPeriod returns the period of input shape in against the node
// shape out (see FusedElementwiseData), or -1 if in is not one of the
// three fusable kinds.
func broadcastPeriod(in, out shapes.Shape) int {
	switch {
	case in.Equal(out):
		return 0
	case in.Size() == 1:
		return 1
	case in.Rank() != out.Rank():
		return -1
	}
	// Leading axes of 1, then trailing axes equal to out's.
	j := 0
	for j < in.Rank() && in.Dimensions[j] == 1 && out.Dimensions[j] != 1 {
		j++
	}
	for k := j; k < in.Rank(); k++ {
		if in.Dimensions[k] != out.Dimensions[k] {
			return -1
		}
	}
	return in.Size()
}

// FuseElementwise is the graph transformation described in the file comment.
type FuseElementwise struct{}

// Name implements gobackend.GraphTransformation.
func (p *FuseElementwise) Name() string { return "FuseElementwise" }

// fusable reports whether n can be an instruction of a fused tree.
func fusable(n *gobackend.Node) bool {
	wantDType := dtypes.Float32
	if fusedCompare[n.OpType] {
		wantDType = dtypes.Bool
	}
	if n.Shape.DType != wantDType || n.Shape.IsDynamic() || n.Shape.Size() <= 1 ||
		len(n.CapturedInputs) > 0 || n.IsMultiOutputs() || n.IsNodeSelectOutput {
		return false
	}
	switch {
	case fusedCompare[n.OpType]:
		if len(n.Inputs) != 2 {
			return false
		}
	case n.OpType == compute.OpTypeWhere:
		// Where(cond, a, b) with cond a fusable comparison of the same shape
		// (it is rematerialized into the tree), a and b float32.
		if len(n.Inputs) != 3 {
			return false
		}
		c := n.Inputs[0]
		if !fusedCompare[c.OpType] || c.Function != n.Function || !sameDims(c.Shape, n.Shape) || !fusable(c) {
			return false
		}
		for _, in := range n.Inputs[1:] {
			if in.Shape.DType != dtypes.Float32 || in.Shape.IsDynamic() || broadcastPeriod(in.Shape, n.Shape) < 0 {
				return false
			}
		}
		return true
	case fusedUnary[n.OpType]:
		if len(n.Inputs) != 1 {
			return false
		}
	case fusedBinary[n.OpType]:
		if len(n.Inputs) != 2 {
			return false
		}
	case n.OpType == compute.OpTypeBroadcastInDim:
		// Only a single value broadcast to the whole shape.
		return len(n.Inputs) == 1 && n.Inputs[0].Shape.DType == dtypes.Float32 &&
			!n.Inputs[0].Shape.IsDynamic() && n.Inputs[0].Shape.Size() == 1
	default:
		return false
	}
	for _, in := range n.Inputs {
		if in.Shape.DType != dtypes.Float32 || in.Shape.IsDynamic() {
			return false
		}
		if broadcastPeriod(in.Shape, n.Shape) < 0 {
			return false // a broadcast along inner axes: not handled
		}
	}
	return true
}

// Apply implements gobackend.GraphTransformation. It rewrites each fused
// tree's root node in place (same index, same consumers, same position in
// the function's outputs), so the DAG order is unchanged.
func (p *FuseElementwise) Apply(b *gobackend.Builder) (bool, error) {
	if DisableElementwiseFusion {
		return false, nil
	}
	uses := liveNodeUses(b) // outputs count twice: never absorbed
	for _, f := range b.Functions {
		absorbed := make(map[*gobackend.Node]bool)
		for i := len(f.Nodes) - 1; i >= 0; i-- {
			root := f.Nodes[i]
			if absorbed[root] || uses[root] == 0 || !fusable(root) || rematerialized(root) {
				continue
			}
			// Grow the tree: absorb fusable inputs used only here.
			members := map[*gobackend.Node]bool{root: true}
			stack := []*gobackend.Node{root}
			for len(stack) > 0 {
				n := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				for _, in := range n.Inputs {
					if members[in] || absorbed[in] || in.Function != f || !fusable(in) || !sameDims(in.Shape, root.Shape) ||
						(uses[in] != 1 && !rematerialized(in)) {
						continue
					}
					members[in] = true
					stack = append(stack, in)
				}
			}
			if len(members) < 2 {
				continue
			}
			data := &FusedElementwiseData{}
			var inputs []*gobackend.Node
			inputIdx := make(map[*gobackend.Node]int)
			var emit func(n *gobackend.Node) int
			emit = func(n *gobackend.Node) int {
				instr := fusedInstr{Op: n.OpType}
				for _, in := range n.Inputs {
					if members[in] {
						instr.Args = append(instr.Args, fusedOperand{Reg: emit(in), Input: -1})
						continue
					}
					idx, ok := inputIdx[in]
					if !ok {
						idx = len(inputs)
						inputIdx[in] = idx
						inputs = append(inputs, in)
						data.InputPeriod = append(data.InputPeriod, broadcastPeriod(in.Shape, root.Shape))
					}
					instr.Args = append(instr.Args, fusedOperand{Reg: -1, Input: idx})
				}
				data.Instrs = append(data.Instrs, instr)
				return len(data.Instrs) - 1
			}
			emit(root)
			for n := range members {
				if n != root && !rematerialized(n) {
					absorbed[n] = true
				}
			}
			root.OpType = compute.OpTypeFusedElementwise
			root.Inputs = inputs
			root.Data = data
		}
	}
	return false, nil
}

// liveNodeUses counts, for each node, its uses by nodes that the executor
// runs (those reachable from the functions' outputs, as it counts them),
// plus two for a function output. Dead consumers do not count: autodiff
// leaves some behind (the gradient with respect to a constant factor,
// which nothing reads), and counting them kept their inputs out of fused
// trees.
func liveNodeUses(b *gobackend.Builder) map[*gobackend.Node]int {
	uses := make(map[*gobackend.Node]int)
	seen := make(map[*gobackend.Node]bool)
	var visit func(n *gobackend.Node)
	visit = func(n *gobackend.Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		for _, in := range n.Inputs {
			uses[in]++
			visit(in)
		}
		for _, captured := range n.CapturedInputs {
			for _, in := range captured {
				uses[in]++
				visit(in)
			}
		}
	}
	for _, f := range b.Functions {
		for _, out := range f.Outputs {
			uses[out] += 2
			visit(out)
		}
	}
	return uses
}

// fusedChunk is the number of elements evaluated per instruction at a time:
// 16 registers of 512 float32 take 32 KiB.
const fusedChunk = 512

// fusedParallelMin is the size below which the fused loop runs on one core.
const fusedParallelMin = 1 << 15

var fusedRegsPool = sync.Pool{New: func() any { return new([]float32) }}

// execFusedElementwise evaluates an OpTypeFusedElementwise node.
func execFusedElementwise(backend *gobackend.Backend, node *gobackend.Node, inputs []*gobackend.Buffer,
	inputsOwned []bool) (*gobackend.Buffer, error) {
	data, ok := node.Data.(*FusedElementwiseData)
	if !ok || len(data.Instrs) == 0 || len(data.InputPeriod) != len(inputs) {
		return nil, errors.Errorf("FusedElementwise: malformed node data %T", node.Data)
	}
	size := node.Shape.Size()
	flats := make([][]float32, len(inputs)) // full inputs, and periodic ones (len = period)
	scalars := make([]float32, len(inputs))
	// periodicSlot[i] is the register into which periodic input i is laid
	// out for each chunk (after the instructions' registers), -1 otherwise.
	periodicSlot := make([]int, len(inputs))
	numPeriodic := 0
	for i, buf := range inputs {
		f, ok := buf.Flat.([]float32)
		if !ok {
			return nil, errors.Errorf("FusedElementwise: input %d is %T, want []float32", i, buf.Flat)
		}
		want := data.InputPeriod[i]
		if want == 0 {
			want = size
		}
		if len(f) < want || want < 1 {
			return nil, errors.Errorf("FusedElementwise: input %d has %d elements, want %d", i, len(f), want)
		}
		periodicSlot[i] = -1
		switch p := data.InputPeriod[i]; {
		case p == 1:
			scalars[i] = f[0]
		case p > 1:
			flats[i] = f[:p]
			periodicSlot[i] = len(data.Instrs) + numPeriodic
			numPeriodic++
		default:
			flats[i] = f[:size]
		}
	}
	// The result goes over a donated full-size input when there is one.
	var output *gobackend.Buffer
	for i, buf := range inputs {
		if inputsOwned[i] && data.InputPeriod[i] == 0 && buf.RawShape.Equal(node.Shape) {
			output = buf
			inputs[i] = nil // consumed: the executor's contract for in-place results
			break
		}
	}
	if output == nil {
		var err error
		if output, err = backend.GetBuffer(node.Shape); err != nil {
			return nil, err
		}
	}
	out := output.Flat.([]float32)[:size]
	numChunks := (size + fusedChunk - 1) / fusedChunk
	work := func(c0, c1 int) {
		regsPtr := fusedRegsPool.Get().(*[]float32)
		need := (len(data.Instrs) + numPeriodic) * fusedChunk
		if cap(*regsPtr) < need {
			*regsPtr = make([]float32, need)
		}
		regs := (*regsPtr)[:need]
		for c := c0; c < c1; c++ {
			lo := c * fusedChunk
			hi := min(lo+fusedChunk, size)
			runFusedChunk(data, flats, scalars, periodicSlot, regs, out, lo, hi)
		}
		fusedRegsPool.Put(regsPtr)
	}
	if size < fusedParallelMin {
		work(0, numChunks)
	} else {
		parallelFor(numChunks, math.MaxInt, work)
	}
	return output, nil
}

// runFusedChunk evaluates the instructions over elements [lo, hi).
func runFusedChunk(data *FusedElementwiseData, flats [][]float32, scalars []float32, periodicSlot []int,
	regs, out []float32, lo, hi int) {
	m := hi - lo
	last := len(data.Instrs) - 1
	// Periodic inputs are laid out for [lo, hi) in their registers.
	for i, r := range periodicSlot {
		if r < 0 {
			continue
		}
		p, src := data.InputPeriod[i], flats[i]
		dst := regs[r*fusedChunk : r*fusedChunk+m]
		for k, j := 0, lo%p; k < m; j = 0 { // runs of the period
			k += copy(dst[k:], src[j:])
		}
	}
	// Registers that hold one value (a BroadcastInDim of a single value,
	// or a unary op of one) are kept as that value, not filled.
	var regIsScalar [16]bool
	var regScalar [16]float32
	scalarRegs := len(data.Instrs) <= len(regIsScalar)
	// operand returns a vector (nil for a single value) and the value.
	operand := func(a fusedOperand) ([]float32, float32) {
		if a.Reg >= 0 {
			if scalarRegs && regIsScalar[a.Reg] {
				return nil, regScalar[a.Reg]
			}
			return regs[a.Reg*fusedChunk : a.Reg*fusedChunk+m], 0
		}
		if p := data.InputPeriod[a.Input]; p == 1 {
			return nil, scalars[a.Input]
		} else if p > 1 {
			r := periodicSlot[a.Input]
			return regs[r*fusedChunk : r*fusedChunk+m], 0
		}
		return flats[a.Input][lo:hi], 0
	}
	for k, instr := range data.Instrs {
		var dst []float32
		if k == last {
			dst = out[lo:hi]
		} else {
			dst = regs[k*fusedChunk : k*fusedChunk+m]
		}
		// setScalar records a single-value result (or fills the output).
		setScalar := func(v float32) {
			if k != last && scalarRegs {
				regIsScalar[k], regScalar[k] = true, v
				return
			}
			for i := range dst {
				dst[i] = v
			}
		}
		x, xs := operand(instr.Args[0])
		if len(instr.Args) == 1 {
			if x == nil { // BroadcastInDim of a single value (or a unary op of one)
				v := xs
				if instr.Op != compute.OpTypeBroadcastInDim {
					tmp := [1]float32{xs}
					unaryKernel(instr.Op, tmp[:], tmp[:])
					v = tmp[0]
				}
				setScalar(v)
				continue
			}
			unaryKernel(instr.Op, x, dst)
			continue
		}
		y, ys := operand(instr.Args[1])
		if len(instr.Args) == 3 { // Where: x is the 1/0 condition register
			z, zs := operand(instr.Args[2])
			if x == nil { // a single-value condition picks one side
				if xs == 0 {
					y, ys = z, zs
				}
				if y == nil {
					setScalar(ys)
				} else {
					copy(dst, y)
				}
				continue
			}
			whereKernel(x, y, ys, z, zs, dst)
			continue
		}
		if x == nil && y == nil { // both single values: compute one
			var tx, ty, tr [1]float32
			tx[0], ty[0] = xs, ys
			if fusedCompare[instr.Op] {
				compareKernel(instr.Op, tx[:], 0, ty[:], 0, tr[:])
			} else {
				binaryKernel(instr.Op, tx[:], 0, ty[:], 0, tr[:])
			}
			setScalar(tr[0])
			continue
		}
		if fusedCompare[instr.Op] {
			compareKernel(instr.Op, x, xs, y, ys, dst)
			continue
		}
		binaryKernel(instr.Op, x, xs, y, ys, dst)
	}
}

// unaryKernel computes dst = op(x) with the formulas of the unfused executors.
func unaryKernel(op compute.OpType, x, dst []float32) {
	if !unaryKernelSIMD(op, x, dst) {
		unaryKernelScalar(op, x, dst)
	}
}

// unaryKernelScalar is unaryKernel one element at a time.
func unaryKernelScalar(op compute.OpType, x, dst []float32) {
	dst = dst[:len(x)]
	switch op {
	case compute.OpTypeNeg:
		for i, v := range x {
			dst[i] = -v
		}
	case compute.OpTypeAbs:
		for i, v := range x {
			if v < 0 {
				dst[i] = -v
			} else {
				dst[i] = v
			}
		}
	case compute.OpTypeSign:
		for i, v := range x {
			switch {
			case v < 0:
				dst[i] = -1
			case v > 0:
				dst[i] = 1
			default:
				dst[i] = 0
			}
		}
	case compute.OpTypeSqrt:
		for i, v := range x {
			dst[i] = float32(math.Sqrt(float64(v)))
		}
	case compute.OpTypeRsqrt:
		for i, v := range x {
			dst[i] = float32(1.0 / math.Sqrt(float64(v)))
		}
	case compute.OpTypeExp:
		for i, v := range x {
			dst[i] = float32(math.Exp(float64(v)))
		}
	case compute.OpTypeExpm1:
		for i, v := range x {
			dst[i] = float32(math.Expm1(float64(v)))
		}
	case compute.OpTypeLog:
		for i, v := range x {
			dst[i] = float32(math.Log(float64(v)))
		}
	case compute.OpTypeLog1p:
		for i, v := range x {
			dst[i] = float32(math.Log1p(float64(v)))
		}
	case compute.OpTypeLogistic:
		for i, v := range x {
			if v >= 0 {
				dst[i] = float32(1.0 / (1.0 + math.Exp(-float64(v))))
			} else {
				e := math.Exp(float64(v))
				dst[i] = float32(e / (1.0 + e))
			}
		}
	case compute.OpTypeTanh:
		for i, v := range x {
			dst[i] = float32(math.Tanh(float64(v)))
		}
	default:
		panic(errors.Errorf("FusedElementwise: unary op %s not implemented", op))
	}
}

// binaryKernel computes dst = op(x, y); a nil x or y stands for the single
// value xs or ys.
func binaryKernel(op compute.OpType, x []float32, xs float32, y []float32, ys float32, dst []float32) {
	// Under binaryKernelMinSIMD elements the SIMD set-up costs more than it
	// saves (row-wise callers pass many short rows).
	if len(dst) >= binaryKernelMinSIMD && (x != nil || y != nil) && binaryKernelSIMD(op, x, xs, y, ys, dst) {
		return
	}
	binaryKernelScalar(op, x, xs, y, ys, dst)
}

// binaryKernelMinSIMD is the shortest slice binaryKernel runs in SIMD.
const binaryKernelMinSIMD = 16

// binaryKernelScalar is binaryKernel one element at a time.
func binaryKernelScalar(op compute.OpType, x []float32, xs float32, y []float32, ys float32, dst []float32) {
	switch {
	case x != nil && y != nil:
		dst = dst[:len(x)]
		y = y[:len(x)]
		switch op {
		case compute.OpTypeAdd:
			for i, v := range x {
				dst[i] = v + y[i]
			}
		case compute.OpTypeSub:
			for i, v := range x {
				dst[i] = v - y[i]
			}
		case compute.OpTypeMul:
			for i, v := range x {
				dst[i] = v * y[i]
			}
		case compute.OpTypeDiv:
			for i, v := range x {
				dst[i] = v / y[i]
			}
		case compute.OpTypeMax:
			for i, v := range x {
				dst[i] = max(v, y[i])
			}
		case compute.OpTypeMin:
			for i, v := range x {
				dst[i] = min(v, y[i])
			}
		case compute.OpTypePow:
			for i, v := range x {
				dst[i] = float32(math.Pow(float64(v), float64(y[i])))
			}
		default:
			panic(errors.Errorf("FusedElementwise: binary op %s not implemented", op))
		}
	case x != nil: // y is one value
		dst = dst[:len(x)]
		switch op {
		case compute.OpTypeAdd:
			for i, v := range x {
				dst[i] = v + ys
			}
		case compute.OpTypeSub:
			for i, v := range x {
				dst[i] = v - ys
			}
		case compute.OpTypeMul:
			for i, v := range x {
				dst[i] = v * ys
			}
		case compute.OpTypeDiv:
			for i, v := range x {
				dst[i] = v / ys
			}
		case compute.OpTypeMax:
			for i, v := range x {
				dst[i] = max(v, ys)
			}
		case compute.OpTypeMin:
			for i, v := range x {
				dst[i] = min(v, ys)
			}
		case compute.OpTypePow:
			for i, v := range x {
				dst[i] = float32(math.Pow(float64(v), float64(ys)))
			}
		default:
			panic(errors.Errorf("FusedElementwise: binary op %s not implemented", op))
		}
	case y != nil: // x is one value
		dst = dst[:len(y)]
		switch op {
		case compute.OpTypeAdd:
			for i, v := range y {
				dst[i] = xs + v
			}
		case compute.OpTypeSub:
			for i, v := range y {
				dst[i] = xs - v
			}
		case compute.OpTypeMul:
			for i, v := range y {
				dst[i] = xs * v
			}
		case compute.OpTypeDiv:
			for i, v := range y {
				dst[i] = xs / v
			}
		case compute.OpTypeMax:
			for i, v := range y {
				dst[i] = max(xs, v)
			}
		case compute.OpTypeMin:
			for i, v := range y {
				dst[i] = min(xs, v)
			}
		case compute.OpTypePow:
			for i, v := range y {
				dst[i] = float32(math.Pow(float64(xs), float64(v)))
			}
		default:
			panic(errors.Errorf("FusedElementwise: binary op %s not implemented", op))
		}
	default: // both single values: fill
		var tmp [1]float32
		binaryKernelScalar(op, []float32{xs}, 0, []float32{ys}, 0, tmp[:])
		for i := range dst {
			dst[i] = tmp[0]
		}
	}
}

// whereKernel computes dst = cond != 0 ? y : z; a nil y or z stands for ys
// or zs.
func whereKernel(cond, y []float32, ys float32, z []float32, zs float32, dst []float32) {
	if whereKernelSIMD(cond, y, ys, z, zs, dst) {
		return
	}
	whereKernelScalar(cond, y, ys, z, zs, dst)
}

// whereKernelScalar is whereKernel one element at a time.
func whereKernelScalar(cond, y []float32, ys float32, z []float32, zs float32, dst []float32) {
	dst = dst[:len(cond)]
	for i, c := range cond {
		a, b := ys, zs
		if y != nil {
			a = y[i]
		}
		if z != nil {
			b = z[i]
		}
		if c != 0 {
			dst[i] = a
		} else {
			dst[i] = b
		}
	}
}

// compareKernel computes dst = 1 where op(x, y) holds, 0 elsewhere (IEEE:
// every comparison with a NaN is false but NotEqual); a nil x or y stands
// for xs or ys.
func compareKernel(op compute.OpType, x []float32, xs float32, y []float32, ys float32, dst []float32) {
	if compareKernelSIMD(op, x, xs, y, ys, dst) {
		return
	}
	compareKernelScalar(op, x, xs, y, ys, dst)
}

// compareKernelScalar is compareKernel one element at a time.
func compareKernelScalar(op compute.OpType, x []float32, xs float32, y []float32, ys float32, dst []float32) {
	for i := range dst {
		a, b := xs, ys
		if x != nil {
			a = x[i]
		}
		if y != nil {
			b = y[i]
		}
		var r bool
		switch op {
		case compute.OpTypeGreaterOrEqual:
			r = a >= b
		case compute.OpTypeGreaterThan:
			r = a > b
		case compute.OpTypeLessOrEqual:
			r = a <= b
		case compute.OpTypeLessThan:
			r = a < b
		case compute.OpTypeEqual:
			r = a == b
		case compute.OpTypeNotEqual:
			r = a != b
		default:
			panic(errors.Errorf("FusedElementwise: comparison %s not implemented", op))
		}
		if r {
			dst[i] = 1
		} else {
			dst[i] = 0
		}
	}
}
