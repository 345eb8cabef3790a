// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

//go:build amd64 && goexperiment.simd

#include "textflag.h"

// func avx2Kernel4x16F32Strided(k int, lhs *float32, lhsRowStride, lhsColStride int, rhs, out *float32, outStride int)
//
// out[r*outStride/4 + c] = sum_{i<k} lhs(r, i) * rhs[16i + c], r < 4, c < 16, with
// lhs(r, i) at byte offset r*lhsRowStride + i*lhsColStride: a row-major left
// operand is read in place (no packing). rhs is a packed 16-column strip.
TEXT ·avx2Kernel4x16F32Strided(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ lhs+8(FP), AX
	MOVQ lhsRowStride+16(FP), R8
	MOVQ lhsColStride+24(FP), R11
	MOVQ rhs+32(FP), BX
	MOVQ out+40(FP), DI
	MOVQ outStride+48(FP), SI
	LEAQ (R8)(R8*1), R9
	LEAQ (R9)(R8*1), R10
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	TESTQ CX, CX
	JZ    store

loop:
	VMOVUPS      (BX), Y8
	VMOVUPS      32(BX), Y9
	VBROADCASTSS (AX), Y10
	VFMADD231PS  Y8, Y10, Y0
	VFMADD231PS  Y9, Y10, Y1
	VBROADCASTSS (AX)(R8*1), Y11
	VFMADD231PS  Y8, Y11, Y2
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS (AX)(R9*1), Y12
	VFMADD231PS  Y8, Y12, Y4
	VFMADD231PS  Y9, Y12, Y5
	VBROADCASTSS (AX)(R10*1), Y13
	VFMADD231PS  Y8, Y13, Y6
	VFMADD231PS  Y9, Y13, Y7
	ADDQ R11, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  loop

store:
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    SI, DI
	VMOVUPS Y2, (DI)
	VMOVUPS Y3, 32(DI)
	ADDQ    SI, DI
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	ADDQ    SI, DI
	VMOVUPS Y6, (DI)
	VMOVUPS Y7, 32(DI)
	VZEROUPPER
	RET
