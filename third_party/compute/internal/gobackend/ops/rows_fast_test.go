// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

package ops

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/internal/gobackend"
	"github.com/gomlx/compute/shapes"
)

// rowsTestValues returns n float32 values, normal with a sprinkling of
// special ones (NaN, ±Inf, ±0) that max and division must treat as the
// generic loops do.
func rowsTestValues(rng *rand.Rand, n int) []float32 {
	special := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1))}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
		if rng.IntN(20) == 0 {
			v[i] = special[rng.IntN(len(special))]
		}
	}
	return v
}

// rowsTestDims returns random dimensions whose last axis is often long
// enough for the row paths.
func rowsTestDims(rng *rand.Rand) []int {
	dims := make([]int, 1+rng.IntN(5))
	for i := range dims {
		dims[i] = 1 + rng.IntN(4)
	}
	dims[len(dims)-1] = 1 + rng.IntN(9)
	return dims
}

// sameBits fails the test unless got and want are equal bit for bit, or
// both NaN (which NaN payload an addition of two NaNs keeps depends on the
// operand order the compiler or the vector unit picks).
func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		g, w := float64(got[i]), float64(want[i])
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(math.IsNaN(g) && math.IsNaN(w)) {
			t.Fatalf("%s: out[%d] = %v, generic %v", what, i, got[i], want[i])
		}
	}
}

// TestFastReduceRowsMatchesIterator compares the row-wise float32
// ReduceSum and ReduceMax with the generic iterator loops, bit for bit,
// for random axis sets, and checks when the row path is taken: exactly
// when the trailing unreduced (or size-1) axes make rows of at least
// rowsMinInner.
func TestFastReduceRowsMatchesIterator(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	taken := 0
	for trial := range 600 {
		dims := rowsTestDims(rng)
		rank := len(dims)
		axes := rng.Perm(rank)[:1+rng.IntN(rank)]
		size := shapes.Make(dtypes.Float32, dims...).Size()
		in := rowsTestValues(rng, size)
		var outDims []int
		for a, d := range dims {
			if !slices.Contains(axes, a) {
				outDims = append(outDims, d)
			}
		}
		inner := 1
		for a := rank - 1; a >= 0 && (!slices.Contains(axes, a) || dims[a] == 1); a-- {
			inner *= dims[a]
		}
		operand := &gobackend.Buffer{RawShape: shapes.Make(dtypes.Float32, dims...), Flat: in}
		outShape := shapes.Make(dtypes.Float32, outDims...)
		for _, op := range []compute.OpType{compute.OpTypeReduceSum, compute.OpTypeReduceMax} {
			fast := &gobackend.Buffer{RawShape: outShape, Flat: make([]float32, outShape.Size())}
			ref := &gobackend.Buffer{RawShape: outShape, Flat: make([]float32, outShape.Size())}
			low := dtypes.Float32.LowestValue().(float32)
			got := fastReduceRowsF32(op, operand, fast, axes, low)
			if want := inner >= rowsMinInner; got != want {
				t.Fatalf("trial %d dims %v axes %v: row path taken = %v, want %v", trial, dims, axes, got, want)
			}
			if !got {
				continue
			}
			taken++
			it := NewReduceOutputIterator(dims, axes)
			var err error
			if op == compute.OpTypeReduceSum {
				err = execReduceSumGeneric[float32](operand, ref, it, dtypes.Float32)
			} else {
				err = execReduceMaxGeneric[float32](operand, ref, it, dtypes.Float32)
			}
			if err != nil {
				t.Fatal(err)
			}
			sameBits(t, op.String(), fast.Flat.([]float32), ref.Flat.([]float32))
		}
	}
	if taken < 100 {
		t.Fatalf("the row path ran only %d times", taken)
	}
}

// broadcastDims returns dims with some axes set to 1 (an operand that
// broadcasts to dims).
func broadcastDims(rng *rand.Rand, dims []int) []int {
	b := slices.Clone(dims)
	for a := range b {
		if rng.IntN(3) == 0 {
			b[a] = 1
		}
	}
	return b
}

// TestFastBroadcastRowsMatchesIterator compares the row-wise float32
// BroadcastInDim with the generic iterator loop.
func TestFastBroadcastRowsMatchesIterator(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	taken := 0
	for range 400 {
		dims := rowsTestDims(rng)
		opDims := broadcastDims(rng, dims)
		src := rowsTestValues(rng, shapes.Make(dtypes.Float32, opDims...).Size())
		operand := &gobackend.Buffer{RawShape: shapes.Make(dtypes.Float32, opDims...), Flat: src}
		outShape := shapes.Make(dtypes.Float32, dims...)
		fast := &gobackend.Buffer{RawShape: outShape, Flat: make([]float32, outShape.Size())}
		if !fastBroadcastRowsF32(operand, fast, opDims) {
			continue
		}
		taken++
		ref := &gobackend.Buffer{RawShape: outShape, Flat: make([]float32, outShape.Size())}
		execBroadcastInDimGeneric[float32](operand, ref, gobackend.NewBroadcastIterator(operand.RawShape, outShape))
		sameBits(t, "BroadcastInDim", fast.Flat.([]float32), ref.Flat.([]float32))
	}
	if taken < 100 {
		t.Fatalf("the row path ran only %d times", taken)
	}
}

// TestFastBinaryRowsMatchesGeneric compares the row-wise float32 binary
// ops on mutually broadcasting operands with the generic loops.
func TestFastBinaryRowsMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	type genericFn func(lhs, rhs, output []float32, lhsShape, rhsShape, outputShape shapes.Shape)
	ops := map[compute.OpType]genericFn{
		compute.OpTypeAdd: execAddNumericGeneric[float32], compute.OpTypeSub: execSubNumericGeneric[float32],
		compute.OpTypeMul: execMulNumericGeneric[float32], compute.OpTypeDiv: execDivNumericGeneric[float32],
		compute.OpTypeMax: execMaxNumericGeneric[float32], compute.OpTypeMin: execMinNumericGeneric[float32],
	}
	taken := 0
	for range 300 {
		dims := rowsTestDims(rng)
		ld, rd := broadcastDims(rng, dims), broadcastDims(rng, dims)
		for a := range dims { // the output is the broadcast of both
			if ld[a] == 1 && rd[a] == 1 {
				ld[a] = dims[a]
			}
		}
		ls, rs := shapes.Make(dtypes.Float32, ld...), shapes.Make(dtypes.Float32, rd...)
		lhs := &gobackend.Buffer{RawShape: ls, Flat: rowsTestValues(rng, ls.Size())}
		rhs := &gobackend.Buffer{RawShape: rs, Flat: rowsTestValues(rng, rs.Size())}
		outShape := shapes.Make(dtypes.Float32, dims...)
		for op, generic := range ops {
			fast := &gobackend.Buffer{RawShape: outShape, Flat: make([]float32, outShape.Size())}
			if !fastBinaryRowsF32(op, lhs, rhs, fast) {
				continue
			}
			taken++
			ref := make([]float32, outShape.Size())
			generic(lhs.Flat.([]float32), rhs.Flat.([]float32), ref, ls, rs, outShape)
			sameBits(t, op.String(), fast.Flat.([]float32), ref)
		}
	}
	if taken < 200 {
		t.Fatalf("the row path ran only %d times", taken)
	}
}
