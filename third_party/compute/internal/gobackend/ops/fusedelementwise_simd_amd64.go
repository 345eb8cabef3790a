// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

//go:build amd64 && goexperiment.simd

package ops

import (
	"simd/archsimd"

	"github.com/gomlx/compute"
)

// fusedSIMD is whether the 8-wide AVX kernels below may run; fusedAVX2
// whether the blends of whereKernelSIMD may (archsimd emulates Merge with
// AVX2 byte blends).
var (
	fusedSIMD = archsimd.X86.AVX()
	fusedAVX2 = archsimd.X86.AVX2()
)

// load8 loads v[i:i+8], or returns the broadcast value bv when v is nil.
func load8(v []float32, bv archsimd.Float32x8, i int) archsimd.Float32x8 {
	if v == nil {
		return bv
	}
	return archsimd.LoadFloat32x8((*[8]float32)(v[i : i+8]))
}

// tail8 returns v[n8:], or nil for a nil v.
func tail8(v []float32, n8 int) []float32 {
	if v == nil {
		return nil
	}
	return v[n8:]
}

// binaryKernelSIMD computes Add, Sub, Mul and Div 8 elements at a time (the
// IEEE operations round exactly like the scalar ones) and reports whether
// it handled op; a nil x or y stands for the single value xs or ys.
func binaryKernelSIMD(op compute.OpType, x []float32, xs float32, y []float32, ys float32, dst []float32) bool {
	if !fusedSIMD {
		return false
	}
	switch op {
	case compute.OpTypeAdd, compute.OpTypeSub, compute.OpTypeMul, compute.OpTypeDiv:
	default:
		return false
	}
	n := len(dst)
	if x != nil {
		x = x[:n]
	}
	if y != nil {
		y = y[:n]
	}
	n8 := n &^ 7
	defer archsimd.ClearAVXUpperBits() // before any scalar (SSE) code runs
	xv, yv := archsimd.BroadcastFloat32x8(xs), archsimd.BroadcastFloat32x8(ys)
	switch op {
	case compute.OpTypeAdd:
		for i := 0; i < n8; i += 8 {
			load8(x, xv, i).Add(load8(y, yv, i)).Store((*[8]float32)(dst[i : i+8]))
		}
	case compute.OpTypeSub:
		for i := 0; i < n8; i += 8 {
			load8(x, xv, i).Sub(load8(y, yv, i)).Store((*[8]float32)(dst[i : i+8]))
		}
	case compute.OpTypeMul:
		for i := 0; i < n8; i += 8 {
			load8(x, xv, i).Mul(load8(y, yv, i)).Store((*[8]float32)(dst[i : i+8]))
		}
	case compute.OpTypeDiv:
		for i := 0; i < n8; i += 8 {
			load8(x, xv, i).Div(load8(y, yv, i)).Store((*[8]float32)(dst[i : i+8]))
		}
	}
	if n8 < n {
		binaryKernelScalar(op, tail8(x, n8), xs, tail8(y, n8), ys, dst[n8:])
	}
	return true
}

// unaryKernelSIMD computes Sqrt (correctly rounded, as
// float32(math.Sqrt(float64(v))) is) and Sign ((v > 0) - (v < 0): +0 for
// zeros and NaNs, as the scalar loop) 8 elements at a time and reports
// whether it handled op.
func unaryKernelSIMD(op compute.OpType, x, dst []float32) bool {
	if !fusedSIMD || (op != compute.OpTypeSqrt && op != compute.OpTypeSign) {
		return false
	}
	n := len(x)
	dst = dst[:n]
	n8 := n &^ 7
	defer archsimd.ClearAVXUpperBits() // before any scalar (SSE) code runs
	if op == compute.OpTypeSign {
		zero, one := archsimd.BroadcastFloat32x8(0), archsimd.BroadcastInt32x8(1)
		for i := 0; i < n8; i += 8 {
			v := archsimd.LoadFloat32x8((*[8]float32)(x[i : i+8]))
			one.Masked(v.Greater(zero)).Sub(one.Masked(v.Less(zero))).ConvertToFloat32().Store((*[8]float32)(dst[i : i+8]))
		}
	} else {
		for i := 0; i < n8; i += 8 {
			archsimd.LoadFloat32x8((*[8]float32)(x[i : i+8])).Sqrt().Store((*[8]float32)(dst[i : i+8]))
		}
	}
	if n8 < n {
		unaryKernelScalar(op, x[n8:], dst[n8:])
	}
	return true
}

// compareKernelSIMD computes the six comparisons 8 elements at a time
// (VCMPPS with the IEEE predicates: ordered for ==, <, <=, >, >=, so a
// NaN compares false, unordered for !=, so a NaN compares true, as Go's
// operators do), writing 1 or +0, and reports whether it handled op.
func compareKernelSIMD(op compute.OpType, x []float32, xs float32, y []float32, ys float32, dst []float32) bool {
	if !fusedSIMD || (x == nil && y == nil) {
		return false
	}
	switch op {
	case compute.OpTypeGreaterOrEqual, compute.OpTypeGreaterThan, compute.OpTypeLessOrEqual,
		compute.OpTypeLessThan, compute.OpTypeEqual, compute.OpTypeNotEqual:
	default:
		return false
	}
	n := len(dst)
	n8 := n &^ 7
	defer archsimd.ClearAVXUpperBits() // before any scalar (SSE) code runs
	one := archsimd.BroadcastFloat32x8(1)
	xv, yv := archsimd.BroadcastFloat32x8(xs), archsimd.BroadcastFloat32x8(ys)
	switch op {
	case compute.OpTypeGreaterOrEqual:
		for i := 0; i < n8; i += 8 {
			one.Masked(load8(x, xv, i).GreaterEqual(load8(y, yv, i))).Store((*[8]float32)(dst[i : i+8]))
		}
	case compute.OpTypeGreaterThan:
		for i := 0; i < n8; i += 8 {
			one.Masked(load8(x, xv, i).Greater(load8(y, yv, i))).Store((*[8]float32)(dst[i : i+8]))
		}
	case compute.OpTypeLessOrEqual:
		for i := 0; i < n8; i += 8 {
			one.Masked(load8(x, xv, i).LessEqual(load8(y, yv, i))).Store((*[8]float32)(dst[i : i+8]))
		}
	case compute.OpTypeLessThan:
		for i := 0; i < n8; i += 8 {
			one.Masked(load8(x, xv, i).Less(load8(y, yv, i))).Store((*[8]float32)(dst[i : i+8]))
		}
	case compute.OpTypeEqual:
		for i := 0; i < n8; i += 8 {
			one.Masked(load8(x, xv, i).Equal(load8(y, yv, i))).Store((*[8]float32)(dst[i : i+8]))
		}
	case compute.OpTypeNotEqual:
		for i := 0; i < n8; i += 8 {
			one.Masked(load8(x, xv, i).NotEqual(load8(y, yv, i))).Store((*[8]float32)(dst[i : i+8]))
		}
	}
	if n8 < n {
		compareKernelScalar(op, tail8(x, n8), xs, tail8(y, n8), ys, dst[n8:])
	}
	return true
}

// whereKernelSIMD computes dst = cond != 0 ? y : z 8 elements at a time
// (a NaN condition selects y, as the scalar loop) and reports whether it
// ran; a nil y or z stands for ys or zs.
func whereKernelSIMD(cond, y []float32, ys float32, z []float32, zs float32, dst []float32) bool {
	if !fusedAVX2 {
		return false
	}
	n := len(cond)
	dst = dst[:n]
	n8 := n &^ 7
	defer archsimd.ClearAVXUpperBits() // before any scalar (SSE) code runs
	zero := archsimd.BroadcastFloat32x8(0)
	yv, zv := archsimd.BroadcastFloat32x8(ys), archsimd.BroadcastFloat32x8(zs)
	for i := 0; i < n8; i += 8 {
		c := archsimd.LoadFloat32x8((*[8]float32)(cond[i : i+8]))
		load8(y, yv, i).Merge(load8(z, zv, i), c.NotEqual(zero)).Store((*[8]float32)(dst[i : i+8]))
	}
	if n8 < n {
		whereKernelScalar(cond[n8:], tail8(y, n8), ys, tail8(z, n8), zs, dst[n8:])
	}
	return true
}
