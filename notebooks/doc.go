// Package notebooks holds the toolkit's Jupyter notebooks, one per figure of
// the AdaFisher paper plus two studies, written in Go for the gonb kernel
// (github.com/janpfeifer/gonb) and built on the toolkit's packages:
//
//	figure1-trajectories.ipynb   weight trajectories over the interpolated and the evaluated loss surfaces
//	figure3-gersgorin.ipynb      Gersgorin discs and the perturbation test on Kronecker factors
//	figure7-fft-snr.ipynb        FFT images and SNR of factors at two steps, reference and corrected modes
//	figure8-factor-images.ipynb  factor images and the diagonal share over training
//	optimizer-comparison.ipynb   every optimizer for the same wall-clock time
//	curvature-probes.ipynb       Hessian top eigenvalues, trace and spectral density along training
//
// Each notebook points its Go module at this repository (a go.work that uses
// the directory above notebooks/, and gonb's %goworkfix), so it always runs
// the working tree's code. Its settings sit in one cell at the top; with
// LANDSCAPE_NOTEBOOK_QUICK set they shrink so that the whole notebook runs in
// seconds, and LANDSCAPE_NOTEBOOK_OUT moves its runs out of runs/notebooks.
//
// setup.sh installs Jupyter's command-line tools from Debian, gonb, goimports
// and gopls at the versions tools/go.mod pins, and registers the kernel. The
// tests in this directory check that the committed notebooks carry no
// outputs, and execute every notebook with jupyter nbconvert in quick mode,
// failing on any cell error; they skip when Jupyter or the kernel is missing,
// and fail instead when CI=true.
package notebooks
