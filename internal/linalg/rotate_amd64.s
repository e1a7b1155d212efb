//go:build amd64 && !purego

#include "textflag.h"

// func rotateAVX2(x, y *float64, n int, c, s float64)
// (x, y) = (c*x - s*y, s*x + c*y) for n elements, n a multiple of 8.
TEXT ·rotateAVX2(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ y+8(FP), DI
	MOVQ n+16(FP), CX
	VBROADCASTSD c+24(FP), Y0
	VBROADCASTSD s+32(FP), Y1
	SHRQ $3, CX
	JZ   done

loop:
	VMOVUPD (SI), Y2
	VMOVUPD 32(SI), Y6
	VMOVUPD (DI), Y3
	VMOVUPD 32(DI), Y7
	VMULPD  Y2, Y0, Y4
	VMULPD  Y6, Y0, Y8
	VMULPD  Y2, Y1, Y5
	VMULPD  Y6, Y1, Y9
	VFNMADD231PD Y3, Y1, Y4
	VFNMADD231PD Y7, Y1, Y8
	VFMADD231PD  Y3, Y0, Y5
	VFMADD231PD  Y7, Y0, Y9
	VMOVUPD Y4, (SI)
	VMOVUPD Y8, 32(SI)
	VMOVUPD Y5, (DI)
	VMOVUPD Y9, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loop

done:
	VZEROUPPER
	RET
