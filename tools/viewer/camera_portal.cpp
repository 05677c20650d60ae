/* SPDX-License-Identifier: MIT */
#include "camera_portal.h"

#include <gio/gio.h>
#include <gio/gunixfdlist.h>
#include <unistd.h>

#include <cstdio>
#include <utility>

namespace v4l2dmabuf::viewer {

namespace {

constexpr const char *kPortalName = "org.freedesktop.portal.Desktop";
constexpr const char *kPortalPath = "/org/freedesktop/portal/desktop";
constexpr const char *kCameraInterface = "org.freedesktop.portal.Camera";
constexpr const char *kRequestInterface = "org.freedesktop.portal.Request";
/* A method call's reply; the user's answer comes in the Response, unbounded. */
constexpr int kCallTimeoutMs = 60'000;

bool isCancelled(const GError *error)
{
	return g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

} /* namespace */

std::string portalRequestPath(const std::string &uniqueName, const std::string &token)
{
	if (uniqueName.size() < 2 || uniqueName[0] != ':' || token.empty())
		return "";
	for (char c : token)
		if (!g_ascii_isalnum(c) && c != '_')
			return "";
	std::string sender;
	for (char c : uniqueName.substr(1)) {
		if (c == '.')
			sender += '_';
		else if (g_ascii_isalnum(c) || c == '_' || c == '-')
			sender += c == '-' ? '_' : c;
		else
			return "";
	}
	return std::string(kPortalPath) + "/request/" + sender + "/" + token;
}

std::string portalResponseError(uint32_t response)
{
	switch (response) {
	case 0: return "";
	case 1: return "access to the camera was denied (the Camera portal's request was cancelled by the user)";
	case 2: return "access to the camera was not granted (the Camera portal's request ended otherwise)";
	default: return "the Camera portal answered with an unknown response " + std::to_string(response);
	}
}

struct CameraPortal::State {
	/** A reply handler: @p fds is the reply's fd list, or null. */
	using ReplyHandler = void (State::*)(GVariant *reply, GUnixFDList *fds);

	bool verbose = false;
	Done done;
	GCancellable *cancellable = nullptr;
	GDBusConnection *bus = nullptr;
	guint responseSubscription = 0;
	std::string requestPath;

	void log(const std::string &text) const
	{
		if (verbose)
			fprintf(stderr, "viewer: portal: %s\n", text.c_str());
	}
	void finish(UniqueFd fd, const std::string &error)
	{
		unsubscribe();
		if (!done)
			return;
		/* The callback may destroy the CameraPortal, and this with it. */
		Done d = std::move(done);
		done = nullptr;
		d(std::move(fd), error);
	}
	void fail(const std::string &what, const GError *error)
	{
		finish(UniqueFd(), what + (error ? std::string(": ") + error->message : ""));
	}
	void unsubscribe()
	{
		if (bus && responseSubscription)
			g_dbus_connection_signal_unsubscribe(bus, std::exchange(responseSubscription, 0));
	}
	void subscribe(const std::string &path)
	{
		unsubscribe();
		requestPath = path;
		responseSubscription = g_dbus_connection_signal_subscribe(
			bus, nullptr, kRequestInterface, "Response", path.c_str(), nullptr,
			G_DBUS_SIGNAL_FLAGS_NONE,
			[](GDBusConnection *, const char *, const char *, const char *, const char *,
			   GVariant *params, gpointer d) { static_cast<State *>(d)->onResponse(params); },
			this, nullptr);
	}
	void call(const char *interface, const char *method, GVariant *params, const char *replyType,
		  std::string failure, ReplyHandler onReply);

	void onBus();
	void onCameraPresent(GVariant *reply, GUnixFDList *);
	void accessCamera();
	void onAccessCameraHandle(GVariant *reply, GUnixFDList *);
	void onResponse(GVariant *params);
	void onRemote(GVariant *reply, GUnixFDList *fds);
};

namespace {

/* One method call in flight. A cancelled one (the CameraPortal is gone)
 * frees this without touching the state. */
struct PendingCall {
	CameraPortal::State *state;
	std::string failure; /* the line when the call fails */
	CameraPortal::State::ReplyHandler onReply;
};

void onCallDone(GObject *source, GAsyncResult *res, gpointer data)
{
	std::unique_ptr<PendingCall> pending(static_cast<PendingCall *>(data));
	g_autoptr(GError) error = nullptr;
	g_autoptr(GUnixFDList) fds = nullptr;
	g_autoptr(GVariant) reply = g_dbus_connection_call_with_unix_fd_list_finish(
		G_DBUS_CONNECTION(source), &fds, res, &error);
	if (isCancelled(error))
		return;
	if (!reply)
		pending->state->fail(pending->failure, error);
	else
		(pending->state->*pending->onReply)(reply, fds);
}

} /* namespace */

/* Every call goes to the portal's object; fds come back with
 * OpenPipeWireRemote's reply only. */
void CameraPortal::State::call(const char *interface, const char *method, GVariant *params,
			       const char *replyType, std::string failure, ReplyHandler onReply)
{
	g_dbus_connection_call_with_unix_fd_list(
		bus, kPortalName, kPortalPath, interface, method, params, G_VARIANT_TYPE(replyType),
		G_DBUS_CALL_FLAGS_NONE, kCallTimeoutMs, nullptr, cancellable, onCallDone,
		new PendingCall{this, std::move(failure), onReply});
}

/* The Camera interface's presence, and whether the portal counts a camera. */
void CameraPortal::State::onBus()
{
	log(std::string("session bus, unique name ") + g_dbus_connection_get_unique_name(bus));
	call("org.freedesktop.DBus.Properties", "Get",
	     g_variant_new("(ss)", kCameraInterface, "IsCameraPresent"), "(v)",
	     "no Camera portal on the session bus (xdg-desktop-portal exports "
	     "org.freedesktop.portal.Camera only with an Access backend)",
	     &State::onCameraPresent);
}

void CameraPortal::State::onCameraPresent(GVariant *reply, GUnixFDList *)
{
	g_autoptr(GVariant) value = nullptr;
	g_variant_get(reply, "(v)", &value);
	bool present = g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean(value);
	/* Not final: 1.16 counts cameras only when it starts; the remote may still show one. */
	log(std::string("IsCameraPresent: ") + (present ? "true" : "false"));
	accessCamera();
}

void CameraPortal::State::accessCamera()
{
	std::string token = "v4l2dmabufviewer" + std::to_string(getpid());
	std::string path = portalRequestPath(g_dbus_connection_get_unique_name(bus), token);
	if (path.empty()) {
		fail("cannot make a portal request path from the bus name", nullptr);
		return;
	}
	/* Before the call: the Response may come before its reply is read. */
	subscribe(path);
	GVariantBuilder options;
	g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&options, "{sv}", "handle_token", g_variant_new_string(token.c_str()));
	log("AccessCamera, request " + path);
	call(kCameraInterface, "AccessCamera", g_variant_new("(a{sv})", &options), "(o)",
	     "the Camera portal's AccessCamera failed", &State::onAccessCameraHandle);
}

void CameraPortal::State::onAccessCameraHandle(GVariant *reply, GUnixFDList *)
{
	const char *handle = nullptr;
	g_variant_get(reply, "(&o)", &handle);
	/* Portals before handle_token answer on a path of their own choosing. */
	if (done && requestPath != handle) {
		log(std::string("request handle ") + handle + " is not the expected one: following it");
		subscribe(handle);
	}
}

void CameraPortal::State::onResponse(GVariant *params)
{
	if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(ua{sv})"))) {
		fail("the Camera portal's Response has an unexpected signature", nullptr);
		return;
	}
	uint32_t response = 0;
	g_variant_get(params, "(u@a{sv})", &response, nullptr);
	unsubscribe();
	log("Response " + std::to_string(response));
	if (response != 0) {
		fail(portalResponseError(response), nullptr);
		return;
	}
	GVariantBuilder options;
	g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
	call(kCameraInterface, "OpenPipeWireRemote", g_variant_new("(a{sv})", &options), "(h)",
	     "the Camera portal's OpenPipeWireRemote failed", &State::onRemote);
}

void CameraPortal::State::onRemote(GVariant *reply, GUnixFDList *fds)
{
	int32_t index = -1;
	g_variant_get(reply, "(h)", &index);
	if (!fds || index < 0 || index >= g_unix_fd_list_get_length(fds)) {
		fail("the Camera portal's OpenPipeWireRemote returned no file descriptor", nullptr);
		return;
	}
	g_autoptr(GError) error = nullptr;
	int fd = g_unix_fd_list_get(fds, index, &error); /* a close-on-exec dup, ours */
	if (fd < 0) {
		fail("cannot take the PipeWire remote's file descriptor", error);
		return;
	}
	log("OpenPipeWireRemote: fd " + std::to_string(fd));
	finish(UniqueFd(fd), "");
}

CameraPortal::CameraPortal(bool verbose) : state_(std::make_unique<State>())
{
	state_->verbose = verbose;
}

CameraPortal::~CameraPortal()
{
	State &st = *state_;
	st.done = nullptr;
	st.unsubscribe();
	if (st.cancellable) {
		/* Pending callbacks see G_IO_ERROR_CANCELLED and do not touch the state. */
		g_cancellable_cancel(st.cancellable);
		g_object_unref(st.cancellable);
	}
	if (st.bus)
		g_object_unref(st.bus);
}

void CameraPortal::open(Done done)
{
	State &st = *state_;
	st.done = std::move(done);
	if (!st.cancellable)
		st.cancellable = g_cancellable_new();
	g_bus_get(G_BUS_TYPE_SESSION, st.cancellable,
		  [](GObject *, GAsyncResult *res, gpointer d) {
			  g_autoptr(GError) error = nullptr;
			  GDBusConnection *bus = g_bus_get_finish(res, &error);
			  if (isCancelled(error))
				  return;
			  auto *st = static_cast<State *>(d);
			  if (!bus) {
				  st->fail("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS)", error);
				  return;
			  }
			  st->bus = bus;
			  st->onBus();
		  },
		  state_.get());
}

} /* namespace v4l2dmabuf::viewer */
