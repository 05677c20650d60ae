/* SPDX-License-Identifier: MIT */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "unique_fd.h"

namespace v4l2dmabuf::viewer {

/**
 * The object path of the org.freedesktop.portal.Request that a portal call
 * made with option handle_token = @p token by the connection @p uniqueName
 * (":1.42") answers on: "/org/freedesktop/portal/desktop/request/1_42/TOKEN"
 * (xdg-desktop-portal's Request documentation). "" when @p uniqueName is not
 * a unique name or @p token is not a valid object path element
 * ([A-Za-z0-9_], not empty).
 */
std::string portalRequestPath(const std::string &uniqueName, const std::string &token);

/**
 * Why a Request's Response code @p response (0 granted, 1 cancelled by the
 * user, 2 ended otherwise) is no access, in words for a log line; "" for 0.
 */
std::string portalResponseError(uint32_t response);

/**
 * A PipeWire remote from the desktop's Camera portal
 * (org.freedesktop.portal.Camera version 1, xdg-desktop-portal 1.16 and
 * 1.20), as a sandboxed camera app gets one: the Camera interface's
 * presence is checked (it is exported only when an Access backend exists),
 * then AccessCamera asks the user (or the permission store answers) through
 * a Request, and OpenPipeWireRemote returns a connected PipeWire socket that
 * sees only the cameras WirePlumber granted (nodes with media.role Camera).
 *
 * Asynchronous on the thread-default GLib main context (the GTK thread);
 * destroying the object cancels what is pending, and its callback is then
 * not called.
 */
class CameraPortal
{
public:
	/**
	 * The outcome: @p remote is the socket, to give to
	 * pw_context_connect_fd(), with an empty @p error; or an invalid fd and
	 * a sentence saying what failed (no session bus, no Camera portal,
	 * access denied, the portal's D-Bus error).
	 */
	using Done = std::function<void(UniqueFd remote, const std::string &error)>;

	explicit CameraPortal(bool verbose);
	~CameraPortal();
	CameraPortal(const CameraPortal &) = delete;
	CameraPortal &operator=(const CameraPortal &) = delete;

	/** Starts the calls; @p done is called once, later, from the main context. */
	void open(Done done);

	struct State;

private:
	std::unique_ptr<State> state_;
};

} /* namespace v4l2dmabuf::viewer */
