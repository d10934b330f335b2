#include "store_client.hpp"

#include <fstream>

#include "grpc_options.hpp"
#include "identity_name.hpp"
#include "grpc_status.hpp"
#include "zonal.grpc.pb.h"

namespace zonal::node {

PeerId store_file(const SharedFile& file, const SharedDir& files, const Holder& target, std::uint32_t chunk_bytes,
                  std::uint32_t timeout_ms, const TlsConfig& tls) {
  std::ifstream in(files.path_of(file.name), std::ios::binary);
  if (!in) throw FileError(FileErrorKind::io, "cannot read \"" + file.name + "\"");
  auto stub = wire::Peer::NewStub(make_channel(target.address, tls, node_identity_name(target.id)));
  grpc::ClientContext ctx;
  set_deadline(ctx, timeout_ms + static_cast<std::uint32_t>(std::min<std::uint64_t>((file.size >> 20) * 1000, 1u << 30)));
  wire::StoreReply reply;
  auto writer = stub->Store(&ctx, &reply);
  wire::StoreChunk msg;
  msg.set_name(file.name);
  msg.set_size(file.size);
  msg.set_sha256(std::string(reinterpret_cast<const char*>(file.sha256.data()), file.sha256.size()));
  std::string buf(chunk_bytes, '\0');
  std::uint64_t sent = 0;
  bool first = true;
  while (first || sent < file.size) {
    const auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(buf.size(), file.size - sent));
    in.read(buf.data(), want);
    msg.set_data(buf.data(), static_cast<std::size_t>(in.gcount()));
    sent += static_cast<std::uint64_t>(in.gcount());
    if (!writer->Write(msg)) break;
    if (in.gcount() != want) break;
    msg.Clear();
    first = false;
  }
  writer->WritesDone();
  const grpc::Status s = writer->Finish();
  if (!s.ok()) throw FileError(kind_of(s), "store on peer " + std::to_string(target.id) + " failed: " + s.error_message());
  return static_cast<PeerId>(reply.peer_id());
}

}  // namespace zonal::node
