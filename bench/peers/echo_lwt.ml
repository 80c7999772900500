(* echo_lwt.ml: the TCP echo server on Lwt (native code): one Lwt thread per connection reading up to 4096 bytes
   and writing them back, as weft's examples/echo_server does.  Prints "listening on 127.0.0.1:PORT".
   Usage: echo_lwt [port]
   Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole). *)

open Lwt.Infix

let rec write_all fd buf off len =
  if len = 0 then Lwt.return_unit
  else Lwt_unix.write fd buf off len >>= fun w -> write_all fd buf (off + w) (len - w)

let serve fd =
  let buf = Bytes.create 4096 in
  let rec echo () =
    Lwt_unix.read fd buf 0 4096 >>= fun n -> if n = 0 then Lwt.return_unit else write_all fd buf 0 n >>= echo
  in
  Lwt.catch echo (fun _ -> Lwt.return_unit) >>= fun () -> Lwt_unix.close fd

let () =
  let port = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 0 in
  let sock = Lwt_unix.socket Unix.PF_INET Unix.SOCK_STREAM 0 in
  Lwt_unix.setsockopt sock Unix.SO_REUSEADDR true;
  Lwt_main.run
    ( Lwt_unix.bind sock (Unix.ADDR_INET (Unix.inet_addr_loopback, port)) >>= fun () ->
      Lwt_unix.listen sock 4096;
      (match Lwt_unix.getsockname sock with
       | Unix.ADDR_INET (_, p) -> Printf.printf "listening on 127.0.0.1:%d\n%!" p
       | _ -> ());
      let rec accept_loop () =
        Lwt_unix.accept sock >>= fun (fd, _) ->
        Lwt.async (fun () -> serve fd);
        accept_loop ()
      in
      accept_loop () )
