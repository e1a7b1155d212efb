package gemm

import "unsafe"

// packA copies rows [i0, i0+mb) and columns [p0, p0+kb) of op(A) into dst as
// panels of mr rows: panel q holds, for each p, the mr values
// op(A)[i0+q*mr+i][p0+p] at dst[q*mr*kb + p*mr + i]. Rows past mb are zero.
func (cf *config[T]) packA(dst, a []T, lda int, trans bool, i0, mb, p0, kb int) {
	mr := cf.mr
	for q := 0; q < mb; q += mr {
		rows := min(mr, mb-q)
		if trans { // op(A)[i][p] = a[p*lda + i]
			cf.copy(&dst[q*kb], mr, &a[p0*lda+i0+q], lda, kb, rows, mr)
		} else { // op(A)[i][p] = a[i*lda + p]
			cf.transpose(dst[q*kb:], mr, a, (i0+q)*lda+p0, lda, rows, kb, mr)
		}
	}
}

// packB copies rows [p0, p0+kb) and columns [j0, j0+nb) of op(B) into dst as
// panels of nr columns: panel q holds, for each p, the nr values
// op(B)[p0+p][j0+q*nr+j] at dst[q*nr*kb + p*nr + j]. Columns past nb are zero.
func (cf *config[T]) packB(dst, b []T, ldb int, trans bool, p0, kb, j0, nb int) {
	nr := cf.nr
	if trans { // op(B)[p][j] = b[j*ldb + p]
		for q := 0; q < nb; q += nr {
			cf.transpose(dst[q*kb:], nr, b, (j0+q)*ldb+p0, ldb, min(nr, nb-q), kb, nr)
		}
		return
	}
	// op(B)[p][j] = b[p*ldb + j]: a few rows at a time across all panels,
	// so that b is read in order and each row from memory once.
	const rows = 16
	for r := 0; r < kb; r += rows {
		h := min(rows, kb-r)
		for q := 0; q < nb; q += nr {
			cf.copy(&dst[q*kb+r*nr], nr, &b[(p0+r)*ldb+j0+q], ldb, h, min(nr, nb-q), nr)
		}
	}
}

// transpose sets d[p*ldd + i] = s[off + i*ld + p] for i < rows, p < cols
// and zeros rows to width, in blocks as wide as cf.tpose takes.
func (cf *config[T]) transpose(d []T, ldd int, s []T, off, ld, rows, cols, width int) {
	for i := 0; i < width; i += cf.tposeW {
		w := min(cf.tposeW, width-i)
		r := max(0, min(w, rows-i))
		src := &s[0]
		if r > 0 {
			src = &s[off+i*ld]
		}
		cf.tpose(&d[i], ldd, src, ld, r, cols, w)
	}
}

// copyGo and tposeGo are the portable packFuncs.
func copyGo[T float](dst *T, ldd int, src *T, lds int, rows, cols, width int) {
	if rows <= 0 {
		return
	}
	d := unsafe.Slice(dst, (rows-1)*ldd+width)
	s := unsafe.Slice(src, (rows-1)*lds+cols)
	for p := 0; p < rows; p++ {
		dd := d[p*ldd : p*ldd+width]
		copy(dd, s[p*lds:p*lds+cols])
		clear(dd[cols:])
	}
}

func tposeGo[T float](dst *T, ldd int, src *T, lds int, rows, cols, width int) {
	if cols <= 0 {
		return
	}
	d := unsafe.Slice(dst, (cols-1)*ldd+width)
	i := 0
	if rows > 0 {
		s := unsafe.Slice(src, (rows-1)*lds+cols)
		// Four source rows at a time: four sequential reads per step of p.
		for ; i+4 <= rows; i += 4 {
			s0 := s[i*lds : i*lds+cols]
			s1 := s[(i+1)*lds : (i+1)*lds+cols]
			s2 := s[(i+2)*lds : (i+2)*lds+cols]
			s3 := s[(i+3)*lds : (i+3)*lds+cols]
			for p := range s0 {
				dd := d[p*ldd+i : p*ldd+i+4 : p*ldd+i+4]
				dd[0], dd[1], dd[2], dd[3] = s0[p], s1[p], s2[p], s3[p]
			}
		}
		for ; i < rows; i++ {
			for p, v := range s[i*lds : i*lds+cols] {
				d[p*ldd+i] = v
			}
		}
	}
	for ; i < width; i++ {
		for p := 0; p < cols; p++ {
			d[p*ldd+i] = 0
		}
	}
}
