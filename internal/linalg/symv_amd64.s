//go:build amd64 && !purego

#include "textflag.h"

// func symvRowAVX2(row, x, y *float64, n int, t float64) float64
// y[k] += t*row[k] and returns sum row[k]*x[k], for n elements, n a
// multiple of 8.
TEXT ·symvRowAVX2(SB), NOSPLIT, $0-48
	MOVQ row+0(FP), SI
	MOVQ x+8(FP), DX
	MOVQ y+16(FP), DI
	MOVQ n+24(FP), CX
	VBROADCASTSD t+32(FP), Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	SHRQ $3, CX
	JZ   done

loop:
	VMOVUPD (SI), Y3
	VMOVUPD 32(SI), Y4
	VFMADD231PD (DX), Y3, Y1
	VFMADD231PD 32(DX), Y4, Y2
	VMOVUPD (DI), Y5
	VMOVUPD 32(DI), Y6
	VFMADD231PD Y3, Y0, Y5
	VFMADD231PD Y4, Y0, Y6
	VMOVUPD Y5, (DI)
	VMOVUPD Y6, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	DECQ CX
	JNZ  loop

done:
	VADDPD       Y1, Y2, Y1
	VEXTRACTF128 $1, Y1, X2
	VADDPD       X1, X2, X1
	VPERMILPD    $1, X1, X2
	VADDSD       X1, X2, X1
	VMOVSD       X1, ret+40(FP)
	VZEROUPPER
	RET
