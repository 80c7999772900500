(* lwt_read_line.ml: the Lwt peer of read_line.c: counts the lines of stdin with Lwt_io.read_line (default 4096-byte
   channel buffer), in the same line format.  Built and run by bench/read_line.sh (native code, ocamlfind ocamlopt).
   Usage: lwt_read_line < input *)

let now () = Unix.gettimeofday ()

let () =
  let t0 = now () and c0 = Sys.time () in
  let rec loop lines bytes =
    Lwt.bind (Lwt_io.read_line_opt Lwt_io.stdin) (function
      | None -> Lwt.return (lines, bytes)
      | Some l -> loop (lines + 1) (bytes + String.length l))
  in
  let lines, bytes = Lwt_main.run (loop 0 0) in
  let t1 = now () and c1 = Sys.time () in
  Printf.printf "Lwt_io.read_line %d lines %d bytes %.3f s %.0f lines/s %.3f cpu-s %.0f lines/cpu-s\n" lines bytes
    (t1 -. t0) (float_of_int lines /. (t1 -. t0)) (c1 -. c0) (float_of_int lines /. (c1 -. c0))
