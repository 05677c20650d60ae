/* SPDX-License-Identifier: MIT */
/* SourceNode: the spa_node method table, checking port direction and id. */
#include "source_node.h"

#include <cerrno>

namespace v4l2dmabuf {

namespace {

SourceNode *self(void *object)
{
	return static_cast<SourceNode *>(object);
}

bool isOurPort(enum spa_direction direction, uint32_t portId)
{
	return direction == SPA_DIRECTION_OUTPUT && portId == 0;
}

} /* namespace */

struct SourceNodeMethods {
	static const struct spa_node_methods table;

	static int addListener(void *o, struct spa_hook *l, const struct spa_node_events *e, void *d)
	{
		return self(o)->addListener(l, e, d);
	}
	static int setCallbacks(void *o, const struct spa_node_callbacks *c, void *d)
	{
		return self(o)->setCallbacks(c, d);
	}
	static int sync(void *o, int seq) { return self(o)->sync(seq); }
	static int enumParams(void *o, int seq, uint32_t id, uint32_t start, uint32_t num,
			      const struct spa_pod *filter)
	{
		return self(o)->enumParams(seq, id, start, num, filter);
	}
	static int setParam(void *o, uint32_t id, uint32_t flags, const struct spa_pod *param)
	{
		return self(o)->setParam(id, flags, param);
	}
	static int setIo(void *o, uint32_t id, void *data, size_t size)
	{
		return self(o)->setIo(id, data, size);
	}
	static int sendCommand(void *o, const struct spa_command *command)
	{
		return self(o)->sendCommand(command);
	}
	static int addPort(void *, enum spa_direction, uint32_t, const struct spa_dict *)
	{
		return -ENOTSUP;
	}
	static int removePort(void *, enum spa_direction, uint32_t) { return -ENOTSUP; }
	static int portEnumParams(void *o, int seq, enum spa_direction dir, uint32_t port,
				  uint32_t id, uint32_t start, uint32_t num,
				  const struct spa_pod *filter)
	{
		if (!isOurPort(dir, port))
			return -EINVAL;
		return self(o)->portEnumParams(seq, id, start, num, filter);
	}
	static int portSetParam(void *o, enum spa_direction dir, uint32_t port, uint32_t id,
				uint32_t flags, const struct spa_pod *param)
	{
		if (!isOurPort(dir, port))
			return -EINVAL;
		return self(o)->portSetParam(id, flags, param);
	}
	static int portUseBuffers(void *o, enum spa_direction dir, uint32_t port, uint32_t flags,
				  struct spa_buffer **buffers, uint32_t n)
	{
		if (!isOurPort(dir, port))
			return -EINVAL;
		return self(o)->portUseBuffers(flags, buffers, n);
	}
	static int portSetIo(void *o, enum spa_direction dir, uint32_t port, uint32_t id,
			     void *data, size_t size)
	{
		if (!isOurPort(dir, port))
			return -EINVAL;
		return self(o)->portSetIo(id, data, size);
	}
	static int portReuseBuffer(void *o, uint32_t port, uint32_t bufferId)
	{
		if (port != 0)
			return -EINVAL;
		return self(o)->portReuseBuffer(bufferId);
	}
	static int process(void *o) { return self(o)->process(); }

	static struct spa_node_methods make()
	{
		struct spa_node_methods m = {};
		m.version = SPA_VERSION_NODE_METHODS;
		m.add_listener = addListener;
		m.set_callbacks = setCallbacks;
		m.sync = sync;
		m.enum_params = enumParams;
		m.set_param = setParam;
		m.set_io = setIo;
		m.send_command = sendCommand;
		m.add_port = addPort;
		m.remove_port = removePort;
		m.port_enum_params = portEnumParams;
		m.port_set_param = portSetParam;
		m.port_use_buffers = portUseBuffers;
		m.port_set_io = portSetIo;
		m.port_reuse_buffer = portReuseBuffer;
		m.process = process;
		return m;
	}
};

const struct spa_node_methods SourceNodeMethods::table = SourceNodeMethods::make();

/* Called from the constructor: wires node_ to the method table. */
void bindSourceNodeInterface(struct spa_node *node, SourceNode *object)
{
	node->iface.type = SPA_TYPE_INTERFACE_Node;
	node->iface.version = SPA_VERSION_NODE;
	node->iface.cb.funcs = &SourceNodeMethods::table;
	node->iface.cb.data = object;
}

} /* namespace v4l2dmabuf */
