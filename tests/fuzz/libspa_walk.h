/* SPDX-License-Identifier: MIT */
/*
 * Reads every byte of a POD the way libspa's iterators reach them
 * (SPA_POD_STRUCT_FOREACH, SPA_POD_OBJECT_FOREACH, SPA_POD_SEQUENCE_FOREACH,
 * spa_pod_get_values, spa_pod_get_string). Only for PODs validatePod()
 * accepted: under ASan it proves that libspa then stays inside them.
 */
#pragma once

#include <spa/pod/iter.h>

#include <cstdint>
#include <cstring>

namespace v4l2dmabuf::fuzz {

inline uint64_t touchBytes(const void *p, uint64_t n)
{
	uint64_t sum = 0;
	const uint8_t *b = static_cast<const uint8_t *>(p);
	for (uint64_t i = 0; i < n; i++)
		sum += b[i];
	return sum;
}

inline uint64_t libspaWalk(const struct spa_pod *pod)
{
	uint64_t sum = SPA_POD_TYPE(pod);
	switch (SPA_POD_TYPE(pod)) {
	case SPA_TYPE_Struct: {
		/* SPA_POD_STRUCT_FOREACH's steps, with the casts C++ needs. */
		const void *body = SPA_POD_BODY_CONST(pod);
		for (const struct spa_pod *p = static_cast<const struct spa_pod *>(body);
		     spa_pod_is_inside(body, SPA_POD_BODY_SIZE(pod), p);
		     p = static_cast<const struct spa_pod *>(spa_pod_next(p)))
			sum += libspaWalk(p);
		break;
	}
	case SPA_TYPE_Object: {
		const struct spa_pod_object *o = reinterpret_cast<const struct spa_pod_object *>(pod);
		for (const struct spa_pod_prop *p = spa_pod_prop_first(&o->body);
		     spa_pod_prop_is_inside(&o->body, SPA_POD_BODY_SIZE(o), p);
		     p = spa_pod_prop_next(p))
			sum += p->key + p->flags + libspaWalk(&p->value);
		break;
	}
	case SPA_TYPE_Sequence: {
		const struct spa_pod_sequence *s = reinterpret_cast<const struct spa_pod_sequence *>(pod);
		for (const struct spa_pod_control *c = spa_pod_control_first(&s->body);
		     spa_pod_control_is_inside(&s->body, SPA_POD_BODY_SIZE(s), c);
		     c = spa_pod_control_next(c))
			sum += c->offset + c->type + libspaWalk(&c->value);
		break;
	}
	case SPA_TYPE_Choice: {
		uint32_t n = 0, choice = 0;
		const struct spa_pod *values = spa_pod_get_values(pod, &n, &choice);
		sum += choice + touchBytes(SPA_POD_BODY_CONST(values),
					   uint64_t(n) * SPA_POD_BODY_SIZE(values));
		if (SPA_POD_TYPE(values) == SPA_TYPE_String && n > 0) {
			const char *s = nullptr;
			if (spa_pod_get_string(values, &s) == 0)
				sum += strlen(s);
		}
		break;
	}
	case SPA_TYPE_String: {
		const char *s = nullptr;
		if (spa_pod_get_string(pod, &s) == 0)
			sum += strlen(s);
		break;
	}
	default:
		sum += touchBytes(SPA_POD_BODY_CONST(pod), SPA_POD_BODY_SIZE(pod));
		break;
	}
	return sum;
}

} /* namespace v4l2dmabuf::fuzz */
