package torchfile

// callStep executes the opcodes that name globals, call them, build
// objects and load persistent ids: everything the allow-list governs.
func (m *machine) callStep(op byte) error {
	switch op {
	case 'c': // GLOBAL
		mod, err := m.line()
		if err != nil {
			return err
		}
		name, err := m.line()
		if err != nil {
			return err
		}
		g, err := m.env.lookup(mod, name)
		if err != nil {
			return err
		}
		m.push(g)
	case 0x93: // STACK_GLOBAL
		name, err := m.pop()
		if err != nil {
			return err
		}
		mod, err := m.pop()
		if err != nil {
			return err
		}
		ms, ok1 := mod.(string)
		ns, ok2 := name.(string)
		if !ok1 || !ok2 {
			return m.fail("STACK_GLOBAL of a %s and a %s", typeName(mod), typeName(name))
		}
		g, err := m.env.lookup(ms, ns)
		if err != nil {
			return err
		}
		m.push(g)
	case 'R': // REDUCE
		args, err := m.pop()
		if err != nil {
			return err
		}
		f, err := m.pop()
		if err != nil {
			return err
		}
		t, ok := args.(*pyTuple)
		if !ok {
			return m.fail("REDUCE with %s arguments", typeName(args))
		}
		v, err := m.env.call(f, t.items)
		if err != nil {
			return err
		}
		m.push(v)
	case 0x81: // NEWOBJ
		args, err := m.pop()
		if err != nil {
			return err
		}
		cls, err := m.pop()
		if err != nil {
			return err
		}
		t, ok := args.(*pyTuple)
		if !ok {
			return m.fail("NEWOBJ with %s arguments", typeName(args))
		}
		v, err := m.env.call(cls, t.items)
		if err != nil {
			return err
		}
		m.push(v)
	case 0x92: // NEWOBJ_EX
		kw, err := m.pop()
		if err != nil {
			return err
		}
		args, err := m.pop()
		if err != nil {
			return err
		}
		cls, err := m.pop()
		if err != nil {
			return err
		}
		t, ok := args.(*pyTuple)
		if d, isDict := kw.(*pyDict); !ok || !isDict || len(d.keys) > 0 {
			return m.fail("NEWOBJ_EX with keyword arguments is not supported")
		}
		v, err := m.env.call(cls, t.items)
		if err != nil {
			return err
		}
		m.push(v)
	case 'i': // INST (protocol 0): module, name, then the marked arguments
		mod, err := m.line()
		if err != nil {
			return err
		}
		name, err := m.line()
		if err != nil {
			return err
		}
		g, err := m.env.lookup(mod, name)
		if err != nil {
			return err
		}
		items, err := m.popMark()
		if err != nil {
			return err
		}
		v, err := m.env.call(g, items)
		if err != nil {
			return err
		}
		m.push(v)
	case 'o': // OBJ: the class is the first marked item
		items, err := m.popMark()
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return m.fail("OBJ without a class")
		}
		v, err := m.env.call(items[0], items[1:])
		if err != nil {
			return err
		}
		m.push(v)
	case 'b': // BUILD
		state, err := m.pop()
		if err != nil {
			return err
		}
		t, err := m.top()
		if err != nil {
			return err
		}
		return m.env.build(t, state)
	case 'Q': // BINPERSID
		pid, err := m.pop()
		if err != nil {
			return err
		}
		return m.persistentLoad(pid)
	case 'P': // PERSID (text)
		s, err := m.line()
		if err != nil {
			return err
		}
		return m.persistentLoad(s)
	default:
		return m.fail("opcode 0x%02x is not supported", op)
	}
	return nil
}
