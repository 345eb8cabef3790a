// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

//go:build !(amd64 && goexperiment.simd)

package ops

import "github.com/gomlx/compute"

// Without the SIMD experiment every fused instruction runs the scalar loops.

func binaryKernelSIMD(compute.OpType, []float32, float32, []float32, float32, []float32) bool {
	return false
}

func unaryKernelSIMD(compute.OpType, []float32, []float32) bool { return false }

func compareKernelSIMD(compute.OpType, []float32, float32, []float32, float32, []float32) bool {
	return false
}

func whereKernelSIMD([]float32, []float32, float32, []float32, float32, []float32) bool { return false }
