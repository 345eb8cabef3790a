// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

package ops

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
)

// TestSliceCopyRuns compares the run-copying Slice with a direct index
// computation on random shapes and stride-1 windows.
func TestSliceCopyRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for trial := range 300 {
		rank := 1 + rng.IntN(5)
		dims, starts, outDims, strides := make([]int, rank), make([]int, rank), make([]int, rank), make([]int, rank)
		for a := range rank {
			dims[a] = 1 + rng.IntN(6)
			starts[a] = rng.IntN(dims[a])
			outDims[a] = 1 + rng.IntN(dims[a]-starts[a])
			if rng.IntN(3) == 0 {
				starts[a], outDims[a] = 0, dims[a]
			}
			strides[a] = 1
		}
		opShape := shapes.Make(dtypes.Float32, dims...)
		in := make([]float32, opShape.Size())
		for i := range in {
			in[i] = float32(i)
		}
		out := make([]float32, shapes.Make(dtypes.Float32, outDims...).Size())
		if !sliceCopyRuns(in, out, dims, outDims, opShape.Strides(), &sliceNode{starts: starts, strides: strides}) {
			t.Fatal("stride-1 slice not handled")
		}
		st := opShape.Strides()
		idx := make([]int, rank)
		for o := range out {
			src := 0
			for a := range rank {
				src += (starts[a] + idx[a]) * st[a]
			}
			if out[o] != in[src] {
				t.Fatalf("trial %d dims %v starts %v out %v: out[%d] = %v, want %v", trial, dims, starts, outDims, o, out[o], in[src])
			}
			for a := rank - 1; a >= 0; a-- {
				idx[a]++
				if idx[a] < outDims[a] {
					break
				}
				idx[a] = 0
			}
		}
	}
}
