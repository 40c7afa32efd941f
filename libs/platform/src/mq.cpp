#include "rto/mq.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

namespace rto::mq {
namespace {

amqp_bytes_t bytes(std::string_view s) { return amqp_bytes_t{s.size(), const_cast<char*>(s.data())}; }
std::string str(amqp_bytes_t b) { return b.bytes ? std::string(static_cast<const char*>(b.bytes), b.len) : std::string(); }

timeval to_tv(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<long>(ms.count() / 1000);
  tv.tv_usec = static_cast<long>((ms.count() % 1000) * 1000);
  return tv;
}

std::string describe(const amqp_rpc_reply_t& r) {
  switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL: return "ok";
    case AMQP_RESPONSE_NONE: return "missing RPC reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION: return amqp_error_string2(r.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        auto* m = static_cast<amqp_connection_close_t*>(r.reply.decoded);
        return "connection closed by broker: " + std::to_string(m->reply_code) + " " + str(m->reply_text);
      }
      if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        auto* m = static_cast<amqp_channel_close_t*>(r.reply.decoded);
        return "channel closed by broker: " + std::to_string(m->reply_code) + " " + str(m->reply_text);
      }
      return "broker error";
  }
  return "unknown";
}

void check(const amqp_rpc_reply_t& r, const char* what) {
  if (r.reply_type != AMQP_RESPONSE_NORMAL) throw MqError(std::string(what) + ": " + describe(r));
}

std::int64_t attempt_of(const amqp_basic_properties_t& p) {
  if (!(p._flags & AMQP_BASIC_HEADERS_FLAG)) return 1;
  for (int i = 0; i < p.headers.num_entries; ++i) {
    const auto& e = p.headers.entries[i];
    if (str(e.key) != "x-attempt") continue;
    switch (e.value.kind) {
      case AMQP_FIELD_KIND_I64: return e.value.value.i64;
      case AMQP_FIELD_KIND_I32: return e.value.value.i32;
      case AMQP_FIELD_KIND_U32: return e.value.value.u32;
      default: return 1;
    }
  }
  return 1;
}

}  // namespace

struct Connection::Impl {
  amqp_connection_state_t conn = nullptr;
  std::chrono::milliseconds timeout;
  bool confirms = false;
  std::uint64_t published = 0;  // delivery tags of confirmed publishes start at 1
  std::uint64_t acked = 0;      // every tag up to this one is acked
  std::set<std::uint64_t> acked_beyond;  // single acks that arrived ahead of an earlier tag's
  std::deque<Message> deliveries;        // read while waiting for confirms, for next()
  std::vector<Returned> returned;        // unroutable, for take_returned()

  void ack_tag(std::uint64_t tag, bool multiple) {
    if (multiple) {
      acked = std::max(acked, tag);
    } else if (tag > acked) {
      acked_beyond.insert(tag);
    }
    while (!acked_beyond.empty() && *acked_beyond.begin() <= acked + 1) {
      acked = std::max(acked, *acked_beyond.begin());
      acked_beyond.erase(acked_beyond.begin());
    }
  }

  void rpc(const char* what) { check(amqp_get_rpc_reply(conn), what); }

  // The content (header and body frames) that follows a basic.deliver or basic.return.
  amqp_message_t read_content(amqp_channel_t channel) {
    amqp_message_t msg;
    check(amqp_read_message(conn, channel, &msg, 0), "read message");
    return msg;
  }

  // A method frame read outside amqp_consume_message: a publisher confirm, a returned message,
  // a delivery (kept for next()), or the broker closing.
  void on_frame(const amqp_frame_t& frame);
  // Reads frames for up to `wait` (zero: only what has arrived); false when none came.
  bool read_frame(std::chrono::milliseconds wait);
};

void Connection::Impl::on_frame(const amqp_frame_t& frame) {
  if (frame.frame_type != AMQP_FRAME_METHOD) return;
  switch (frame.payload.method.id) {
    case AMQP_BASIC_ACK_METHOD: {
      auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
      ack_tag(ack->delivery_tag, ack->multiple != 0);
      break;
    }
    case AMQP_BASIC_NACK_METHOD: throw MqError("broker refused the message (nack)");
    case AMQP_BASIC_RETURN_METHOD: {
      auto* r = static_cast<amqp_basic_return_t*>(frame.payload.method.decoded);
      Returned x{str(r->exchange), str(r->routing_key), std::to_string(r->reply_code) + " " + str(r->reply_text), {}, {}};
      auto msg = read_content(frame.channel);
      x.body = str(msg.body);
      if (msg.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG) x.message_id = str(msg.properties.message_id);
      amqp_destroy_message(&msg);
      returned.push_back(std::move(x));
      break;
    }
    case AMQP_BASIC_DELIVER_METHOD: {
      auto* d = static_cast<amqp_basic_deliver_t*>(frame.payload.method.decoded);
      Message m;
      m.routing_key = str(d->routing_key);
      m.exchange = str(d->exchange);
      m.delivery_tag = d->delivery_tag;
      m.redelivered = d->redelivered != 0;
      auto msg = read_content(frame.channel);
      m.body = str(msg.body);
      if (msg.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG) m.message_id = str(msg.properties.message_id);
      m.attempt = attempt_of(msg.properties);
      amqp_destroy_message(&msg);
      deliveries.push_back(std::move(m));
      break;
    }
    case AMQP_CHANNEL_CLOSE_METHOD: {
      auto* m = static_cast<amqp_channel_close_t*>(frame.payload.method.decoded);
      throw MqError("channel closed by broker: " + std::to_string(m->reply_code) + " " + str(m->reply_text));
    }
    case AMQP_CONNECTION_CLOSE_METHOD: throw MqError("connection closed by broker");
    default: break;
  }
}

bool Connection::Impl::read_frame(std::chrono::milliseconds wait) {
  auto tv = to_tv(wait);
  amqp_frame_t frame;
  int st = amqp_simple_wait_frame_noblock(conn, &frame, &tv);
  if (st == AMQP_STATUS_TIMEOUT) return false;
  if (st != AMQP_STATUS_OK) throw MqError(std::string("connection lost: ") + amqp_error_string2(st));
  on_frame(frame);
  return true;
}

Connection::Connection(std::string_view url, std::chrono::milliseconds timeout) : impl_(std::make_unique<Impl>()) {
  impl_->timeout = timeout;
  std::string u(url);
  amqp_connection_info info{};
  if (amqp_parse_url(u.data(), &info) != AMQP_STATUS_OK) throw MqError("invalid AMQP URL");
  // "amqp://host:port/" parses to an empty vhost; the AMQP URI spec's default is "/".
  static char default_vhost[] = "/";
  if (!info.vhost || !*info.vhost) info.vhost = default_vhost;
  impl_->conn = amqp_new_connection();
  auto* sock = amqp_tcp_socket_new(impl_->conn);
  if (!sock) throw MqError("cannot create socket");
  auto tv = to_tv(timeout);
  int rc = amqp_socket_open_noblock(sock, info.host, info.port, &tv);
  if (rc != AMQP_STATUS_OK) {
    amqp_destroy_connection(impl_->conn);
    impl_->conn = nullptr;
    throw MqError(std::string("cannot connect to broker: ") + amqp_error_string2(rc));
  }
  amqp_set_rpc_timeout(impl_->conn, &tv);
  auto login = amqp_login(impl_->conn, info.vhost, 0, 131072, static_cast<int>(kHeartbeat.count()), AMQP_SASL_METHOD_PLAIN,
                          info.user, info.password);
  if (login.reply_type != AMQP_RESPONSE_NORMAL) {
    auto why = describe(login);  // before the connection (which owns the reply) is destroyed
    amqp_destroy_connection(impl_->conn);
    impl_->conn = nullptr;
    throw MqError("broker login failed: " + why);
  }
  amqp_channel_open(impl_->conn, 1);
  impl_->rpc("channel.open");
}

Connection::~Connection() {
  if (!impl_->conn) return;
  amqp_channel_close(impl_->conn, 1, AMQP_REPLY_SUCCESS);
  amqp_connection_close(impl_->conn, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(impl_->conn);
}

void Connection::declare_exchange(std::string_view name, std::string_view type) {
  amqp_exchange_declare(impl_->conn, 1, bytes(name), bytes(type), 0, 1, 0, 0, amqp_empty_table);
  impl_->rpc("exchange.declare");
}

void Connection::declare_queue(std::string_view name, std::string_view dlx, std::string_view dlk,
                               std::int64_t max_length, bool quorum) {
  amqp_table_entry_t entries[4];
  int n = 0;
  if (!dlx.empty()) {
    entries[n].key = amqp_cstring_bytes("x-dead-letter-exchange");
    entries[n].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[n].value.value.bytes = bytes(dlx);
    ++n;
    if (!dlk.empty()) {
      entries[n].key = amqp_cstring_bytes("x-dead-letter-routing-key");
      entries[n].value.kind = AMQP_FIELD_KIND_UTF8;
      entries[n].value.value.bytes = bytes(dlk);
      ++n;
    }
  }
  if (max_length > 0) {  // the oldest messages go first beyond it
    entries[n].key = amqp_cstring_bytes("x-max-length");
    entries[n].value.kind = AMQP_FIELD_KIND_I64;
    entries[n].value.value.i64 = max_length;
    ++n;
  }
  if (quorum) {
    entries[n].key = amqp_cstring_bytes("x-queue-type");
    entries[n].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[n].value.value.bytes = amqp_cstring_bytes("quorum");
    ++n;
  }
  amqp_table_t args{n, entries};
  amqp_queue_declare(impl_->conn, 1, bytes(name), 0, 1, 0, 0, n ? args : amqp_empty_table);
  impl_->rpc("queue.declare");
}

std::string Connection::declare_private_queue() {
  // passive=0, durable=0, exclusive=1, auto_delete=1
  auto* ok = amqp_queue_declare(impl_->conn, 1, amqp_empty_bytes, 0, 0, 1, 1, amqp_empty_table);
  impl_->rpc("queue.declare");
  if (!ok) throw MqError("queue.declare returned no queue name");
  return str(ok->queue);
}

void Connection::bind(std::string_view queue, std::string_view exchange, std::string_view key) {
  amqp_queue_bind(impl_->conn, 1, bytes(queue), bytes(exchange), bytes(key), amqp_empty_table);
  impl_->rpc("queue.bind");
}

void Connection::purge(std::string_view queue) {
  amqp_queue_purge(impl_->conn, 1, bytes(queue));
  impl_->rpc("queue.purge");
}

void Connection::delete_queue(std::string_view queue) {
  amqp_queue_delete(impl_->conn, 1, bytes(queue), 0, 0);
  impl_->rpc("queue.delete");
}

void Connection::delete_exchange(std::string_view name) {
  amqp_exchange_delete(impl_->conn, 1, bytes(name), 0);
  impl_->rpc("exchange.delete");
}

void Connection::enable_confirms() {
  amqp_confirm_select(impl_->conn, 1);
  impl_->rpc("confirm.select");
  impl_->confirms = true;
}

void Connection::publish(std::string_view exchange, std::string_view key, std::string_view body,
                         std::string_view message_id, std::int64_t attempt) {
  publish_unconfirmed(exchange, key, body, message_id, attempt);
  wait_for_confirms();
}

void Connection::publish_unconfirmed(std::string_view exchange, std::string_view key, std::string_view body,
                                     std::string_view message_id, std::int64_t attempt) {
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
  props.content_type = amqp_cstring_bytes("application/cloudevents+json");
  props.delivery_mode = 2;  // persistent
  if (!message_id.empty()) {
    props._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
    props.message_id = bytes(message_id);
  }
  amqp_table_entry_t header;
  if (attempt > 0) {
    header.key = amqp_cstring_bytes("x-attempt");
    header.value.kind = AMQP_FIELD_KIND_I64;
    header.value.value.i64 = attempt;
    props._flags |= AMQP_BASIC_HEADERS_FLAG;
    props.headers = amqp_table_t{1, &header};
  }
  // Mandatory: a message no queue takes comes back (basic.return) instead of being dropped.
  int rc = amqp_basic_publish(impl_->conn, 1, bytes(exchange), bytes(key), 1, 0, &props, bytes(body));
  if (rc != AMQP_STATUS_OK) throw MqError(std::string("publish failed: ") + amqp_error_string2(rc));
  if (impl_->confirms) ++impl_->published;
}

void Connection::wait_for_confirms() {
  if (!impl_->confirms) return;
  // rabbitmq-c 0.11 has no confirm-wait helper: read frames until the broker's basic.ack.
  auto deadline = std::chrono::steady_clock::now() + impl_->timeout;
  while (impl_->acked < impl_->published) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !impl_->read_frame(left)) throw MqError("publisher confirm timed out");
  }
}

std::chrono::seconds Connection::heartbeat() const { return std::chrono::seconds(amqp_get_heartbeat(impl_->conn)); }

std::vector<Returned> Connection::take_returned() { return std::exchange(impl_->returned, {}); }

void Connection::pump() {
  amqp_maybe_release_buffers(impl_->conn);
  while (impl_->read_frame(std::chrono::milliseconds(0))) {
  }
}

void Connection::qos(std::uint16_t prefetch) {
  amqp_basic_qos(impl_->conn, 1, 0, prefetch, 0);
  impl_->rpc("basic.qos");
}

void Connection::consume(std::string_view queue, bool auto_ack) {
  amqp_basic_consume(impl_->conn, 1, bytes(queue), amqp_empty_bytes, 0, auto_ack ? 1 : 0, 0, amqp_empty_table);
  impl_->rpc("basic.consume");
}


std::optional<Message> Connection::next(std::chrono::milliseconds timeout) {
  if (!impl_->deliveries.empty()) {
    auto m = std::move(impl_->deliveries.front());
    impl_->deliveries.pop_front();
    return m;
  }
  amqp_maybe_release_buffers(impl_->conn);
  amqp_envelope_t env;
  auto tv = to_tv(timeout);
  auto r = amqp_consume_message(impl_->conn, &env, &tv, 0);
  if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT) return std::nullopt;
  if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
    // Not a delivery (a confirm or a returned message, say): read and handle it.
    impl_->read_frame(std::chrono::milliseconds(0));
    if (impl_->deliveries.empty()) return std::nullopt;
    auto m = std::move(impl_->deliveries.front());
    impl_->deliveries.pop_front();
    return m;
  }
  if (r.reply_type != AMQP_RESPONSE_NORMAL) throw MqError("consume failed: " + describe(r));
  Message m;
  m.routing_key = str(env.routing_key);
  m.exchange = str(env.exchange);
  m.body = str(env.message.body);
  if (env.message.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG) m.message_id = str(env.message.properties.message_id);
  m.delivery_tag = env.delivery_tag;
  m.redelivered = env.redelivered;
  m.attempt = attempt_of(env.message.properties);
  amqp_destroy_envelope(&env);
  return m;
}

void Connection::ack(std::uint64_t tag, bool multiple) {
  if (amqp_basic_ack(impl_->conn, 1, tag, multiple ? 1 : 0) != AMQP_STATUS_OK) throw MqError("ack failed");
}

void Connection::reject(std::uint64_t tag, bool requeue) {
  if (amqp_basic_reject(impl_->conn, 1, tag, requeue) != AMQP_STATUS_OK) throw MqError("reject failed");
}

std::optional<Message> Connection::get(std::string_view queue) {
  amqp_maybe_release_buffers(impl_->conn);
  auto r = amqp_basic_get(impl_->conn, 1, bytes(queue), 1);
  check(r, "basic.get");
  if (r.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) return std::nullopt;
  auto* ok = static_cast<amqp_basic_get_ok_t*>(r.reply.decoded);
  Message m;
  m.routing_key = str(ok->routing_key);
  m.exchange = str(ok->exchange);
  m.delivery_tag = ok->delivery_tag;
  m.redelivered = ok->redelivered;
  amqp_message_t msg;
  check(amqp_read_message(impl_->conn, 1, &msg, 0), "read message");
  m.body = str(msg.body);
  if (msg.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG) m.message_id = str(msg.properties.message_id);
  m.attempt = attempt_of(msg.properties);
  amqp_destroy_message(&msg);
  return m;
}

}  // namespace rto::mq
