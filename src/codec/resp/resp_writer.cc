#include "flod/codec/resp/resp_writer.h"

#include <charconv>
#include <cstring>

namespace flod::codec::resp {
namespace {

constexpr size_t kHeaderRoom = 24;  // marker, sign, 19 digits, CRLF

// "<type><value>\r\n" into `buffer`; returns its length.
size_t FormatHeader(char type, int64_t value, char (&buffer)[kHeaderRoom]) {
  buffer[0] = type;
  char* end = std::to_chars(buffer + 1, buffer + kHeaderRoom - 2, value).ptr;
  *end++ = '\r';
  *end++ = '\n';
  return end - buffer;
}

// memcpy whose source may be the null data() of an empty view.
char* Put(char* at, std::string_view bytes) {
  if (!bytes.empty()) std::memcpy(at, bytes.data(), bytes.size());
  return at + bytes.size();
}

}  // namespace

void RespWriter::Header(char type, int64_t value) {
  char buffer[kHeaderRoom];
  out_->append(buffer, FormatHeader(type, value, buffer));
}

char* RespWriter::Grow(size_t bytes) {
  const size_t start = out_->size();
  out_->resize(start + bytes);
  return out_->data() + start;
}

void RespWriter::Simple(std::string_view text) {
  char* at = Grow(text.size() + 3);
  *at = '+';
  Put(Put(at + 1, text), "\r\n");
}

void RespWriter::Error(std::string_view text) {
  out_->push_back('-');
  const size_t start = out_->size();
  out_->append(text);
  for (size_t i = start; i < out_->size(); ++i) {
    if ((*out_)[i] == '\r' || (*out_)[i] == '\n') (*out_)[i] = ' ';
  }
  out_->append("\r\n", 2);
}

void RespWriter::Integer(int64_t value) { Header(':', value); }

void RespWriter::Bulk(std::string_view bytes) {
  char header[kHeaderRoom];
  const size_t header_size = FormatHeader('$', static_cast<int64_t>(bytes.size()), header);
  char* at = Grow(header_size + bytes.size() + 2);
  at = Put(at, std::string_view(header, header_size));
  Put(Put(at, bytes), "\r\n");
}

void RespWriter::BulkInteger(int64_t value) { Bulk(DecimalText(value)); }

void RespWriter::Null() { out_->append("$-1\r\n", 5); }

void RespWriter::NullArray() { out_->append("*-1\r\n", 5); }

void RespWriter::Array(size_t count) { Header('*', static_cast<int64_t>(count)); }

std::string DecimalText(int64_t value) {
  char buffer[24];
  return std::string(buffer, std::to_chars(buffer, buffer + sizeof(buffer), value).ptr);
}

}  // namespace flod::codec::resp
