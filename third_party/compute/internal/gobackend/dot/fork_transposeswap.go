// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

package dot

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/internal/gobackend"
)

// TransposedDotSwap (denoising fork) removes the transposition that
// follows a matrix product computed in the wrong orientation: the gradient
// of a dense layer's weights [in, out] is computed by GoMLX as the product
// [out, in] and then transposed, one extra pass over every weight matrix
// per step. Since (A B^T)^T = B A^T, the product of the swapped operands
// gives the transposed result directly.
//
// It rewrites Transpose[1,0](Reshape(DotGeneral(A, B))) — a DotGeneral in
// the transposed layout (A [1, M, K], B [1, N, K]) with a batch of 1, whose
// result is used only by the Reshape to [M, N], used only by the Transpose
// — into DotGeneral(B, A), in place of the Transpose node (same index, same
// consumers, same position in the outputs).
type TransposedDotSwap struct{}

// DisableTransposedDotSwap turns the pass off (tests compare both ways).
var DisableTransposedDotSwap bool

func init() {
	gobackend.RegisterTransformation(20, &TransposedDotSwap{})
}

// Name implements gobackend.GraphTransformation.
func (p *TransposedDotSwap) Name() string { return "TransposedDotSwap" }

// Apply implements gobackend.GraphTransformation.
func (p *TransposedDotSwap) Apply(b *gobackend.Builder) (bool, error) {
	if DisableTransposedDotSwap {
		return false, nil
	}
	uses := b.NodeUses() // outputs count twice: never absorbed
	for _, f := range b.Functions {
		for _, t := range f.Nodes {
			if t.OpType != compute.OpTypeTranspose || len(t.Inputs) != 1 || t.Shape.Rank() != 2 || uses[t] == 0 {
				continue
			}
			if perm, ok := t.Data.([]int); !ok || len(perm) != 2 || perm[0] != 1 || perm[1] != 0 {
				continue
			}
			r := t.Inputs[0]
			if r.OpType != compute.OpTypeReshape || len(r.Inputs) != 1 || uses[r] != 1 || r.Shape.Rank() != 2 {
				continue
			}
			d := r.Inputs[0]
			data, ok := d.Data.(*NodeData)
			if d.OpType != compute.OpTypeDotGeneral || !ok || uses[d] != 1 || len(d.Inputs) != 2 ||
				data.Layout != LayoutTransposed || data.BatchSize != 1 || data.implementation == nil ||
				d.Shape.IsDynamic() || d.Shape.DType != t.Shape.DType ||
				data.LHSCrossSize != r.Shape.Dimensions[0] || data.RHSCrossSize != r.Shape.Dimensions[1] {
				continue
			}
			swapped := *data
			swapped.LHSContractingAxes, swapped.RHSContractingAxes = data.RHSContractingAxes, data.LHSContractingAxes
			swapped.LHSBatchAxes, swapped.RHSBatchAxes = data.RHSBatchAxes, data.LHSBatchAxes
			swapped.LHSCrossSize, swapped.RHSCrossSize = data.RHSCrossSize, data.LHSCrossSize
			t.OpType = compute.OpTypeDotGeneral
			t.Inputs = []*gobackend.Node{d.Inputs[1], d.Inputs[0]}
			t.Data = &swapped
		}
	}
	return false, nil
}
