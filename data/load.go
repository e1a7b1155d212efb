package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultFashionDir is where Debian's dataset-fashion-mnist package installs
// Fashion-MNIST.
const DefaultFashionDir = "/usr/share/datasets/fashion-mnist"

// specs lists the dataset names Load accepts besides a path to a .csv file.
var specs = []string{"iris", "digits", "fashion-mnist"}

// Options control how Load prepares a dataset.
type Options struct {
	// Standardize z-scores every feature with the training split's mean and
	// population standard deviation, and applies the same transform to the
	// test split (see FitScaler).
	Standardize bool
	// TestFraction, in [0, 1), is the share of samples held out as a test
	// split for datasets without one of their own: round(N*TestFraction)
	// samples chosen by a permutation seeded with Seed. With 0 there is no
	// test split. Datasets with their own split (fashion-mnist) ignore it.
	TestFraction float64
	// Seed seeds the train/test split.
	Seed uint64
	// Bytes lets 8-bit image datasets (CIFAR-10) keep their samples as
	// bytes in Pixels, with Levels saying what each stands for, and leave X
	// nil: a quarter of float32's memory, an eighth of float64's. It does
	// not apply with Standardize or PCA, which change the values.
	Bytes bool
	// FashionDir holds the Fashion-MNIST IDX files; empty means
	// DefaultFashionDir.
	FashionDir string
	// PCA, when positive, replaces the features by that many principal
	// components of the training split (on the raw features, before
	// standardisation), as the paper's Figure 1 reduces iris to 2.
	PCA int
	// Context is the window length in tokens of a text dataset (default
	// 64).
	Context int
	// Augmentation names the training split's augmentation for
	// ParseAugmentation: "" or "none", "standard" (crop, flip, cutout) or
	// "crop-flip". Load only checks that it is known and that the samples
	// are images; the training loop applies it.
	Augmentation string
}

// DefaultContext is the window length of text datasets when
// Options.Context is 0.
const DefaultContext = 64

// Load returns the training and test splits of the dataset named by spec:
//
//   - "iris": the bundled iris set, 150 samples of 4 features, 3 classes;
//   - "digits": the bundled 8x8 digits, 1797 samples, 10 classes;
//   - "fashion-mnist": Fashion-MNIST's own 60000/10000 split, read from the
//     train-* and t10k-* IDX files (gzipped or not) in o.FashionDir;
//   - "cifar10:DIR": CIFAR-10's binary files in DIR (LoadCIFAR10), its own
//     50000/10000 split, normalised with the paper's mean and std;
//   - "text:FILE": a text as byte-level tokens in windows of o.Context with
//     next-token targets (LoadText); the last o.TestFraction of the bytes
//     (default 0.1) is the validation split;
//   - a path ending in .csv: a CSV file with a header row, read by LoadCSV.
//
// Datasets without a test split of their own are split as o.TestFraction
// says; test is nil when it is 0. The training split keeps the file's order.
func Load(spec string, o Options) (train, test *Dataset, err error) {
	if !(o.TestFraction >= 0 && o.TestFraction < 1) { // also catches NaN
		return nil, nil, fmt.Errorf("data: test fraction %g outside [0, 1)", o.TestFraction)
	}
	aug, augment, err := ParseAugmentation(o.Augmentation)
	if err != nil {
		return nil, nil, err
	}
	var all *Dataset
	switch {
	case spec == "iris":
		all, err = Iris()
	case spec == "digits":
		all, err = Digits()
	case spec == "fashion-mnist":
		train, test, err = loadFashion(o.FashionDir)
	case strings.HasPrefix(spec, "cifar10:"):
		train, test, err = loadCIFAR10(strings.TrimPrefix(spec, "cifar10:"), o.Bytes && !o.Standardize && o.PCA == 0)
	case strings.HasPrefix(spec, "text:"):
		if o.Standardize || o.PCA > 0 {
			return nil, nil, fmt.Errorf("data: %s: --standardize and --pca do not apply to token ids", spec)
		}
		ctx, frac := o.Context, o.TestFraction
		if ctx == 0 {
			ctx = DefaultContext
		}
		if frac == 0 {
			frac = DefaultTextValidation
		}
		train, test, err = LoadText(strings.TrimPrefix(spec, "text:"), ctx, frac)
	case strings.EqualFold(filepath.Ext(spec), ".csv"):
		all, err = LoadCSV(spec)
	default:
		return nil, nil, fmt.Errorf("data: unknown dataset %q: want one of %s, cifar10:DIR, text:FILE, or a path ending in .csv", spec, strings.Join(specs, ", "))
	}
	if err != nil {
		return nil, nil, err
	}
	if all != nil {
		train, test = all, nil
		if o.TestFraction > 0 {
			if train, test, err = HoldOut(all, o.TestFraction, o.Seed); err != nil {
				return nil, nil, err
			}
		}
	}
	if augment {
		if err := aug.Check(train.Shape); err != nil {
			return nil, nil, fmt.Errorf("data: %s: %w", spec, err)
		}
	}
	if o.PCA > 0 {
		p, err := FitPCA(train, o.PCA)
		if err != nil {
			return nil, nil, err
		}
		p.Apply(train)
		if test != nil {
			p.Apply(test)
		}
	}
	if o.Standardize {
		s := FitScaler(train)
		s.Apply(train)
		if test != nil {
			s.Apply(test)
		}
	}
	return train, test, nil
}

// loadFashion reads Fashion-MNIST's training and test splits from dir.
func loadFashion(dir string) (train, test *Dataset, err error) {
	if dir == "" {
		dir = DefaultFashionDir
	}
	load := func(prefix string) (*Dataset, error) {
		images, err := findFile(dir, prefix+"-images-idx3-ubyte")
		if err != nil {
			return nil, err
		}
		labels, err := findFile(dir, prefix+"-labels-idx1-ubyte")
		if err != nil {
			return nil, err
		}
		d, err := LoadIDX(images, labels)
		if err != nil {
			return nil, err
		}
		d.Name = "fashion-mnist"
		return d, nil
	}
	if train, err = load("train"); err != nil {
		return nil, nil, err
	}
	if test, err = load("t10k"); err != nil {
		return nil, nil, err
	}
	classes := max(train.Classes, test.Classes)
	train.Classes, test.Classes = classes, classes
	return train, test, nil
}

// findFile returns dir/name or, failing that, dir/name.gz.
func findFile(dir, name string) (string, error) {
	for _, p := range []string{filepath.Join(dir, name), filepath.Join(dir, name+".gz")} {
		_, err := os.Stat(p)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("fashion-mnist: %s(.gz) not found in %s: install the dataset with `apt-get install dataset-fashion-mnist` or point FashionDir at a directory holding the IDX files", name, dir)
}
