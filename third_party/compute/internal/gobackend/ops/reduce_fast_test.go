// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

package ops

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/internal/gobackend"
	"github.com/gomlx/compute/shapes"
)

// TestFastReduceSumMatchesIterator compares the fast float32 ReduceSum
// with the generic iterator loop, bit for bit, on random shapes and every
// block of leading or trailing axes (and checks that other axis sets are
// left to the generic loop).
func TestFastReduceSumMatchesIterator(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 300 {
		rank := 1 + rng.IntN(5)
		dims := make([]int, rank)
		size := 1
		for i := range dims {
			dims[i] = 1 + rng.IntN(9)
			size *= dims[i]
		}
		in := make([]float32, size)
		for i := range in {
			in[i] = float32(rng.NormFloat64())
		}
		lo, hi := rng.IntN(rank), rng.IntN(rank)
		if lo > hi {
			lo, hi = hi, lo
		}
		axes := []int{}
		for a := lo; a <= hi; a++ {
			axes = append(axes, a)
		}
		if trial%3 == 0 {
			axes = rng.Perm(rank)[:1+rng.IntN(rank)] // any set
		}
		var outDims []int
		for a, d := range dims {
			if !slices.Contains(axes, a) {
				outDims = append(outDims, d)
			}
		}
		outSize := 1
		for _, d := range outDims {
			outSize *= d
		}
		operand := &gobackend.Buffer{RawShape: shapes.Make(dtypes.Float32, dims...), Flat: in}
		fast := &gobackend.Buffer{RawShape: shapes.Make(dtypes.Float32, outDims...), Flat: make([]float32, outSize)}
		ref := &gobackend.Buffer{RawShape: fast.RawShape, Flat: make([]float32, outSize)}
		sorted := slices.Sorted(slices.Values(axes))
		block := sorted[len(sorted)-1]-sorted[0] == len(sorted)-1
		wantFast := block && (sorted[0] == 0 || sorted[len(sorted)-1] == rank-1)
		if got := fastReduceSumF32(operand, fast, axes); got != wantFast {
			t.Fatalf("dims %v axes %v: fast path taken = %v, want %v", dims, axes, got, wantFast)
		}
		if !wantFast {
			continue
		}
		if err := execReduceSumGeneric[float32](operand, ref, NewReduceOutputIterator(dims, axes), dtypes.Float32); err != nil {
			t.Fatal(err)
		}
		for i, w := range ref.Flat.([]float32) {
			if g := fast.Flat.([]float32)[i]; math.Float32bits(g) != math.Float32bits(w) {
				t.Fatalf("dims %v axes %v: out[%d] = %v, generic %v", dims, axes, i, g, w)
			}
		}
	}
}
