#include "flod/codec/resp/resp_writer.h"

#include <charconv>

namespace flod::codec::resp {

void RespWriter::Header(char type, int64_t value) {
  char buffer[24];
  buffer[0] = type;
  char* end = std::to_chars(buffer + 1, buffer + sizeof(buffer) - 2, value).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out_->append(buffer, end - buffer);
}

void RespWriter::Simple(std::string_view text) {
  out_->push_back('+');
  out_->append(text);
  out_->append("\r\n", 2);
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
  Header('$', static_cast<int64_t>(bytes.size()));
  out_->append(bytes);
  out_->append("\r\n", 2);
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
