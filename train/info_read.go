package train

import "github.com/adafisher-go/landscape/rundir"

// ReadInfo reads the run.json of the run directory at path: every setting
// of the run, the versions, the layers and the dataset it trained on. Fields
// a later version added are ignored, so an older reader still opens a newer
// run.
func ReadInfo(path string) (*Info, error) {
	dir, err := rundir.Open(path)
	if err != nil {
		return nil, err
	}
	return readInfo(dir)
}

func readInfo(dir rundir.Dir) (*Info, error) {
	var info Info
	if err := dir.ReadJSON(rundir.ConfigFile, &info); err != nil {
		return nil, err
	}
	return &info, nil
}
