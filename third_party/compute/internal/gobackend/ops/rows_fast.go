// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0
//
// Row-wise fast paths (denoising fork of gomlx/compute v0.1.2) for float32
// broadcasting and reductions that keep the trailing axes: the pooling and
// upsampling of a channels-last image ([B, H, 2, W, 2, C] against
// [B, H, 1, W, 1, C]) move whole rows of C values, which the generic code
// visits one element at a time through an index iterator.

package ops

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/internal/gobackend"
)

// rowsMinInner is the shortest contiguous row for which the row paths are
// used (shorter rows are left to the generic iterators).
const rowsMinInner = 4

// rowPlan maps the rows of an iteration space (dims, row-major) onto rows
// of operands broadcast to it: operand j has, on each axis, the space's
// dimension or 1. The trailing axes on which every operand has the full
// dimension form rows of inner contiguous elements; the leading axes are
// walked with a counter, operand j's offset advancing by strides[j][axis]
// (0 where it is broadcast).
type rowPlan struct {
	inner   int
	dims    []int
	strides [][]int
}

// newRowPlan returns the plan of the space dims for the operands of the
// given dimensions (each of len(dims) axes), or false when some operand
// does not broadcast to dims or the rows are shorter than rowsMinInner.
func newRowPlan(dims []int, operands ...[]int) (rowPlan, bool) {
	var p rowPlan
	r := len(dims)
	for _, od := range operands {
		if len(od) != r {
			return p, false
		}
		for a, d := range od {
			if d != dims[a] && d != 1 {
				return p, false
			}
		}
	}
	k := r // leading axes are [0, k)
	p.inner = 1
	for k > 0 {
		same := true
		for _, od := range operands {
			if od[k-1] != dims[k-1] {
				same = false
			}
		}
		if !same {
			break
		}
		k--
		p.inner *= dims[k]
	}
	if p.inner < rowsMinInner {
		return p, false
	}
	p.dims = dims[:k]
	p.strides = make([][]int, len(operands))
	for j, od := range operands {
		st := make([]int, k)
		s := p.inner
		for a := k - 1; a >= 0; a-- {
			if od[a] != 1 || dims[a] == 1 {
				st[a] = s
			}
			s *= od[a]
		}
		p.strides[j] = st
	}
	return p, true
}

// rows returns the number of rows of the space.
func (p *rowPlan) rows() int {
	n := 1
	for _, d := range p.dims {
		n *= d
	}
	return n
}

// each calls f for every row of the space in increasing order, with the
// row's element offset in the space and in each operand (off is reused).
func (p *rowPlan) each(f func(row int, off []int)) {
	idx := make([]int, len(p.dims))
	off := make([]int, len(p.strides))
	n := p.rows()
	for row := range n {
		f(row*p.inner, off)
		// Advance the counter over the leading axes.
		for a := len(p.dims) - 1; a >= 0; a-- {
			idx[a]++
			for j := range off {
				off[j] += p.strides[j][a]
			}
			if idx[a] < p.dims[a] {
				break
			}
			for j := range off {
				off[j] -= p.strides[j][a] * p.dims[a]
			}
			idx[a] = 0
		}
	}
}

// binaryRowsPlan returns the row plan of a float32 elementwise binary op
// into outDims whose operands broadcast against each other along leading
// axes (neither a single value, not the same shape), or false where the
// row path does not apply.
func binaryRowsPlan(lhs, rhs *gobackend.Buffer, outDims []int) (rowPlan, bool) {
	_, okL := lhs.Flat.([]float32)
	_, okR := rhs.Flat.([]float32)
	if !okL || !okR || lhs.RawShape.Size() <= 1 || rhs.RawShape.Size() <= 1 || lhs.RawShape.Equal(rhs.RawShape) {
		return rowPlan{}, false
	}
	return newRowPlan(outDims, lhs.RawShape.Dimensions, rhs.RawShape.Dimensions)
}

// binaryRowsF32 computes output = op(lhs, rhs) row by row along plan p
// (binaryRowsPlan) with the fused-elementwise kernels, which compute each
// element as the generic loop does.
func binaryRowsF32(op compute.OpType, p rowPlan, lhs, rhs, output *gobackend.Buffer) {
	x, y, dst := lhs.Flat.([]float32), rhs.Flat.([]float32), output.Flat.([]float32)
	in := p.inner
	p.each(func(o int, off []int) {
		binaryKernel(op, x[off[0]:off[0]+in], 0, y[off[1]:off[1]+in], 0, dst[o:o+in])
	})
}

// fastBinaryRowsF32 is binaryRowsF32 where binaryRowsPlan applies, and
// reports whether it did.
func fastBinaryRowsF32(op compute.OpType, lhs, rhs, output *gobackend.Buffer) bool {
	if _, ok := output.Flat.([]float32); !ok {
		return false
	}
	p, ok := binaryRowsPlan(lhs, rhs, output.RawShape.Dimensions)
	if ok {
		binaryRowsF32(op, p, lhs, rhs, output)
	}
	return ok
}

// fastBinaryRowsExec wraps the generic executor of a binary op with the
// row path.
func fastBinaryRowsExec(op compute.OpType, generic gobackend.NodeExecutor) gobackend.NodeExecutor {
	return func(backend *gobackend.Backend, node *gobackend.Node, inputs []*gobackend.Buffer, inputsOwned []bool) (*gobackend.Buffer, error) {
		if !node.Shape.IsDynamic() {
			if p, ok := binaryRowsPlan(inputs[0], inputs[1], node.Shape.Dimensions); ok {
				output, err := backend.GetBuffer(node.Shape)
				if err != nil {
					return nil, err
				}
				binaryRowsF32(op, p, inputs[0], inputs[1], output)
				return output, nil
			}
		}
		return generic(backend, node, inputs, inputsOwned)
	}
}

func init() {
	for op, generic := range map[compute.OpType]gobackend.NodeExecutor{
		compute.OpTypeAdd: execAdd, compute.OpTypeSub: execSub, compute.OpTypeMul: execMul,
		compute.OpTypeDiv: execDiv, compute.OpTypeMax: execMax, compute.OpTypeMin: execMin,
	} {
		gobackend.SetNodeExecutor(op, gobackend.PriorityTyped, fastBinaryRowsExec(op, generic))
	}
}

// fastBroadcastRowsF32 is BroadcastInDim of float32 for an operand
// reshaped to the output's rank (opDims) whose trailing axes are not
// broadcast: one copy per row.
func fastBroadcastRowsF32(operand, output *gobackend.Buffer, opDims []int) bool {
	src, ok := operand.Flat.([]float32)
	if !ok {
		return false
	}
	dst := output.Flat.([]float32)
	p, ok := newRowPlan(output.RawShape.Dimensions, opDims)
	if !ok {
		return false
	}
	in := p.inner
	p.each(func(o int, off []int) { copy(dst[o:o+in], src[off[0]:off[0]+in]) })
	return true
}

// fastReduceRowsF32 is ReduceSum or ReduceMax of float32 over axes that
// exclude the trailing ones: each input row is added (or max-ed) into its
// output row, visiting the input in increasing order as the generic loop
// does, so the results are bit-identical (max starts from init, the
// generic loop's initial value).
func fastReduceRowsF32(op compute.OpType, operand, output *gobackend.Buffer, axes []int, init float32) bool {
	in, ok := operand.Flat.([]float32)
	if !ok || (op != compute.OpTypeReduceSum && op != compute.OpTypeReduceMax) {
		return false
	}
	out := output.Flat.([]float32)
	dims := operand.RawShape.Dimensions
	kept := make([]int, len(dims))
	copy(kept, dims)
	for _, a := range axes {
		kept[a] = 1
	}
	p, ok := newRowPlan(dims, kept)
	if !ok {
		return false
	}
	n := p.inner
	if op == compute.OpTypeReduceSum {
		clear(out)
		p.each(func(i int, off []int) {
			binaryKernel(compute.OpTypeAdd, out[off[0]:off[0]+n], 0, in[i:i+n], 0, out[off[0]:off[0]+n])
		})
		return true
	}
	for i := range out {
		out[i] = init
	}
	p.each(func(i int, off []int) {
		o, x := out[off[0]:off[0]+n], in[i:i+n]
		for j, v := range x {
			o[j] = max(o[j], v)
		}
	})
	return true
}
