// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

package ops

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
)

// TestFastTransposeMatchesIterator compares the fast transpose with the
// reference iterator on random shapes (with size-1 axes) and permutations,
// including sizes large enough to run in parallel.
func TestFastTransposeMatchesIterator(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 400 {
		rank := 1 + rng.IntN(6)
		dims := make([]int, rank)
		size := 1
		for i := range dims {
			dims[i] = 1 + rng.IntN(7)
			if rng.IntN(5) == 0 {
				dims[i] = 1
			}
			if trial%50 == 0 && i < 2 {
				dims[i] = 40 + rng.IntN(100) // large: parallel, several tiles
			}
			size *= dims[i]
		}
		perm := rng.Perm(rank)
		in := make([]float32, size)
		for i := range in {
			in[i] = float32(i)
		}
		want := make([]float32, size)
		it := NewTransposeIterator(shapes.Make(dtypes.Float32, dims...), perm)
		for _, v := range in {
			want[it.Next()] = v
		}
		got := make([]float32, size)
		for i := range got {
			got[i] = -1
		}
		transposeAny(in, got, dims, perm)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("dims %v perm %v: out[%d] = %v, want %v", dims, perm, i, got[i], want[i])
			}
		}
	}
}
