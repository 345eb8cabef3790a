// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

//go:build amd64 && goexperiment.simd

#include "textflag.h"

// func convKernel6x16Acc(k int, lhs, rhs, out *float32, outStride, lhsStride int)
//
// out[r*outStride/4 + c] += sum_{i<k} lhs[r*lhsStride/4 + i] * rhs[16i + c], r < 6, c < 16.
// Twelve YMM accumulators (enough independent FMAs to cover the FMA latency on
// both pipes), two for the rhs row, two for broadcasts.
TEXT ·convKernel6x16Acc(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ lhs+8(FP), AX
	MOVQ rhs+16(FP), BX
	MOVQ out+24(FP), DI
	MOVQ outStride+32(FP), SI
	MOVQ lhsStride+40(FP), R8
	LEAQ (R8)(R8*2), R9
	LEAQ (R8)(R8*4), R10
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	TESTQ CX, CX
	JZ   store6

loop6:
	VMOVUPS      (BX), Y12
	VMOVUPS      32(BX), Y13
	VBROADCASTSS (AX), Y14
	VFMADD231PS  Y12, Y14, Y0
	VFMADD231PS  Y13, Y14, Y1
	VBROADCASTSS (AX)(R8*1), Y15
	VFMADD231PS  Y12, Y15, Y2
	VFMADD231PS  Y13, Y15, Y3
	VBROADCASTSS (AX)(R8*2), Y14
	VFMADD231PS  Y12, Y14, Y4
	VFMADD231PS  Y13, Y14, Y5
	VBROADCASTSS (AX)(R9*1), Y15
	VFMADD231PS  Y12, Y15, Y6
	VFMADD231PS  Y13, Y15, Y7
	VBROADCASTSS (AX)(R8*4), Y14
	VFMADD231PS  Y12, Y14, Y8
	VFMADD231PS  Y13, Y14, Y9
	VBROADCASTSS (AX)(R10*1), Y15
	VFMADD231PS  Y12, Y15, Y10
	VFMADD231PS  Y13, Y15, Y11
	ADDQ $4, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  loop6

store6:
	VADDPS  (DI), Y0, Y0
	VADDPS  32(DI), Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    SI, DI
	VADDPS  (DI), Y2, Y2
	VADDPS  32(DI), Y3, Y3
	VMOVUPS Y2, (DI)
	VMOVUPS Y3, 32(DI)
	ADDQ    SI, DI
	VADDPS  (DI), Y4, Y4
	VADDPS  32(DI), Y5, Y5
	VMOVUPS Y4, (DI)
	VMOVUPS Y5, 32(DI)
	ADDQ    SI, DI
	VADDPS  (DI), Y6, Y6
	VADDPS  32(DI), Y7, Y7
	VMOVUPS Y6, (DI)
	VMOVUPS Y7, 32(DI)
	ADDQ    SI, DI
	VADDPS  (DI), Y8, Y8
	VADDPS  32(DI), Y9, Y9
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, 32(DI)
	ADDQ    SI, DI
	VADDPS  (DI), Y10, Y10
	VADDPS  32(DI), Y11, Y11
	VMOVUPS Y10, (DI)
	VMOVUPS Y11, 32(DI)
	VZEROUPPER
	RET


// func convIndirect6x16(n int, records *uintptr, bOff int, out *float32, outStride, accumulate int)
//
// The indirect 6x16 micro-kernel: records holds n records of 8 words: the
// addresses of six rows a0..a5, of b, and a length L in bytes (> 0). Row
// a_r holds L/4 contiguous float32 (the input channels under one kernel
// tap or a run of taps, or zeros) and b the matching packed kernel rows,
// 16 float32 each, bOff bytes on. It overwrites
// out[r*outStride/4 + c] = sum over records and i < L/4 of
// a_r[i]*b[16i + c], r < 6, c < 16; with accumulate != 0 it adds to out
// instead.
TEXT ·convIndirect6x16(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ records+8(FP), AX
	MOVQ bOff+16(FP), SI
	MOVQ out+24(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	TESTQ CX, CX
	JZ    istore

irecord:
	MOVQ 0(AX), R8
	MOVQ 8(AX), R9
	MOVQ 16(AX), R10
	MOVQ 24(AX), R11
	MOVQ 32(AX), R12
	MOVQ 40(AX), R13
	MOVQ 48(AX), BX
	MOVQ 56(AX), DX
	ADDQ SI, BX
	XORQ R14, R14

ichan:
	VMOVUPS      (BX), Y12
	VMOVUPS      32(BX), Y13
	VBROADCASTSS (R8)(R14*1), Y14
	VFMADD231PS  Y12, Y14, Y0
	VFMADD231PS  Y13, Y14, Y1
	VBROADCASTSS (R9)(R14*1), Y15
	VFMADD231PS  Y12, Y15, Y2
	VFMADD231PS  Y13, Y15, Y3
	VBROADCASTSS (R10)(R14*1), Y14
	VFMADD231PS  Y12, Y14, Y4
	VFMADD231PS  Y13, Y14, Y5
	VBROADCASTSS (R11)(R14*1), Y15
	VFMADD231PS  Y12, Y15, Y6
	VFMADD231PS  Y13, Y15, Y7
	VBROADCASTSS (R12)(R14*1), Y14
	VFMADD231PS  Y12, Y14, Y8
	VFMADD231PS  Y13, Y14, Y9
	VBROADCASTSS (R13)(R14*1), Y15
	VFMADD231PS  Y12, Y15, Y10
	VFMADD231PS  Y13, Y15, Y11
	ADDQ $64, BX
	ADDQ $4, R14
	CMPQ R14, DX
	JNE  ichan
	ADDQ $64, AX
	DECQ CX
	JNZ  irecord

istore:
	MOVQ outStride+32(FP), SI
	MOVQ accumulate+40(FP), DX
	TESTQ DX, DX
	JZ    iwrite
	MOVQ DI, BX
	VADDPS (BX), Y0, Y0
	VADDPS 32(BX), Y1, Y1
	ADDQ   SI, BX
	VADDPS (BX), Y2, Y2
	VADDPS 32(BX), Y3, Y3
	ADDQ   SI, BX
	VADDPS (BX), Y4, Y4
	VADDPS 32(BX), Y5, Y5
	ADDQ   SI, BX
	VADDPS (BX), Y6, Y6
	VADDPS 32(BX), Y7, Y7
	ADDQ   SI, BX
	VADDPS (BX), Y8, Y8
	VADDPS 32(BX), Y9, Y9
	ADDQ   SI, BX
	VADDPS (BX), Y10, Y10
	VADDPS 32(BX), Y11, Y11
iwrite:
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
	ADDQ    SI, DI
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, 32(DI)
	ADDQ    SI, DI
	VMOVUPS Y10, (DI)
	VMOVUPS Y11, 32(DI)
	VZEROUPPER
	RET
