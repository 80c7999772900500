(* pingpong_lwt.ml: the socketpair ping-pong on Lwt (native code): two Lwt threads, one per end, with
   Lwt_unix.read and Lwt_unix.write.  Same work and output as bench/pingpong.c.  Usage: pingpong_lwt [round-trips]
   Built and run by bench/run.py, so covered by ctest bench-quick (it runs whole). *)

open Lwt.Infix

let n = if Array.length Sys.argv > 1 then int_of_string Sys.argv.(1) else 1_000_000

let () =
  let ping_fd, pong_fd = Lwt_unix.socketpair Unix.PF_UNIX Unix.SOCK_STREAM 0 in
  let pb = Bytes.make 1 'x' and qb = Bytes.create 1 in
  let rec ping k =
    if k = n then Lwt.return_unit
    else
      Lwt_unix.write ping_fd pb 0 1 >>= fun _ ->
      Lwt_unix.read ping_fd pb 0 1 >>= fun r -> if r <> 1 then Lwt.fail_with "short read" else ping (k + 1)
  in
  let rec pong k =
    if k = n then Lwt.return_unit
    else
      Lwt_unix.read pong_fd qb 0 1 >>= fun r ->
      if r <> 1 then Lwt.fail_with "short read" else Lwt_unix.write pong_fd qb 0 1 >>= fun _ -> pong (k + 1)
  in
  let t0 = Unix.gettimeofday () in
  Lwt_main.run (Lwt.join [ ping 0; pong 0 ]);
  let t1 = Unix.gettimeofday () in
  Printf.printf "%.0f\n" (float_of_int n /. (t1 -. t0))
