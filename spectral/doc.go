// Package spectral measures how a square matrix's energy splits between its
// diagonal and the rest, as the AdaFisher paper (Gomes et al., ICLR 2025,
// Figure 8 and Eq. 7) does for Kronecker factors, and runs the whole
// analysis of package gersgorin and this one over batches of matrices.
//
//   - FFT2: the 2-D discrete Fourier transform of a real matrix, centred as
//     numpy.fft.fftshift(numpy.fft.fft2(M)), and Magnitude, its image.
//   - ReferenceSNR and CorrectedSNR: the diagonal's power against the
//     off-diagonal power, in decibels.
//   - DiagonalShare: the fraction of the squared Frobenius norm on the
//     diagonal.
//   - Analyze and AnalyzeBatch: every measure of both packages for one
//     matrix or many, in parallel on all cores, with progress and
//     cancellation; SeriesByLayer turns their results into time series.
//     AnalyzeEach hands each result over as soon as it is ready, and an
//     Input may give a Load function instead of its matrix, so that a run of
//     hundreds of large factors is analysed with one matrix in memory per
//     worker.
//
// A 4608 x 4608 factor (ResNet-18's layer4.1.conv1) costs three symmetric
// eigen-solves (the clean matrix, whose eigenvalues are also the discs', and
// the perturbed matrix of each mode, which Reference reads through its
// lower triangle) and three FFTs; see internal/linalg for the solver and
// scripts/bench_spectral_numpy.py for the comparison with numpy.
//
// # Modes
//
// Reference reproduces the official notebooks exactly; Corrected is the
// mathematically consistent version. One line per difference:
//
//   - Noise: Reference draws independently in both triangles (the noisy
//     matrix is not symmetric); Corrected draws once per pair.
//   - Eigenvalues: Reference's symmetric solver reads only the lower
//     triangle (numpy.linalg.eigh); Corrected solves the symmetric part.
//   - FFT image: Reference is 20*ln|F| (natural log, as the notebook);
//     Corrected is 20*log10|F| (true decibels).
//   - SNR: Reference divides the squares of the noisy matrix's whole strict
//     upper triangle (original values plus noise) by n^2; Corrected divides
//     by the n(n-1)/2 entries it sums, once for the clean matrix and once for
//     the noise alone.
//
// # Non-finite values
//
// A magnitude image is -Inf where |F| is exactly 0 (kept, as numpy gives
// it; Image.FiniteRange skips such pixels). An SNR is +Inf when the
// off-diagonal power is 0 (a diagonal matrix) and NaN when both powers are
// 0; DiagonalShare is NaN for a zero matrix. Result stores these as Float,
// whose JSON form survives them.
package spectral
