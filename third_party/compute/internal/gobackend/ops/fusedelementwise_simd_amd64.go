// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

//go:build amd64 && goexperiment.simd

package ops

import (
	"simd/archsimd"

	"github.com/gomlx/compute"
)

// fusedSIMD is whether the 8-wide AVX kernels below may run.
var fusedSIMD = archsimd.X86.AVX()

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
	load := func(v []float32, s float32, i int) archsimd.Float32x8 {
		if v == nil {
			return archsimd.BroadcastFloat32x8(s)
		}
		return archsimd.LoadFloat32x8((*[8]float32)(v[i : i+8]))
	}
	n8 := n &^ 7
	defer archsimd.ClearAVXUpperBits() // before any scalar (SSE) code runs
	switch op {
	case compute.OpTypeAdd:
		for i := 0; i < n8; i += 8 {
			load(x, xs, i).Add(load(y, ys, i)).Store((*[8]float32)(dst[i : i+8]))
		}
	case compute.OpTypeSub:
		for i := 0; i < n8; i += 8 {
			load(x, xs, i).Sub(load(y, ys, i)).Store((*[8]float32)(dst[i : i+8]))
		}
	case compute.OpTypeMul:
		for i := 0; i < n8; i += 8 {
			load(x, xs, i).Mul(load(y, ys, i)).Store((*[8]float32)(dst[i : i+8]))
		}
	case compute.OpTypeDiv:
		for i := 0; i < n8; i += 8 {
			load(x, xs, i).Div(load(y, ys, i)).Store((*[8]float32)(dst[i : i+8]))
		}
	}
	if n8 < n {
		var xt, yt []float32
		if x != nil {
			xt = x[n8:]
		}
		if y != nil {
			yt = y[n8:]
		}
		binaryKernelScalar(op, xt, xs, yt, ys, dst[n8:])
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
